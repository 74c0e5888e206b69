import { command, returns, type MessageOf } from '@janus/core';
import { Cents, CentsOrZero, MoneyAmount, MoneyAmountOrZero } from '@janus/money';
import { z } from 'zod';
import {
  AccountId,
  AccountType,
  Currency,
  CustomerId,
  DEFAULT_CURRENCY,
  Description,
  TransactionId,
  TransferId,
} from './fields.js';

// Commands carry domain values (bigint cents) and every id they need, made by the caller (the HTTP
// wiring makes accountId and transactionId with uuidv7 before sending); their time is metadata.timestamp.
// The *Body schemas below are the wire form of each request: strict objects, money as decimal strings.

export interface Positioned {
  /** Global log position of the command's last event: a query can wait for it (read your writes). */
  readonly position: bigint;
}

export const OpenAccount = command(
  'bank.OpenAccount',
  z.object({
    accountId: AccountId,
    /** The opening deposit's transaction id; unused when the initial deposit is zero. */
    transactionId: TransactionId,
    customerId: CustomerId,
    type: AccountType,
    initialDeposit: CentsOrZero,
    currency: Currency,
  }),
  returns<{ readonly accountId: string } & Positioned>(),
);

const Movement = z.object({
  accountId: AccountId,
  transactionId: TransactionId,
  amount: Cents,
  description: Description.optional(),
});

export const Deposit = command(
  'bank.Deposit',
  Movement,
  returns<{ readonly transactionId: string } & Positioned>(),
);
export const Withdraw = command(
  'bank.Withdraw',
  Movement,
  returns<{ readonly transactionId: string } & Positioned>(),
);
export const CloseAccount = command(
  'bank.CloseAccount',
  z.object({ accountId: AccountId }),
  returns<Positioned>(),
);

const Leg = Movement.extend({ transferId: TransferId, counterpartyAccountId: AccountId });

/** A transfer's outgoing leg, as the account decider sees it (made by the transfer handler, never sent). */
export const SendTransfer = command('bank.SendTransfer', Leg);
/** A transfer's incoming leg, as the account decider sees it (made by the transfer handler, never sent). */
export const ReceiveTransfer = command('bank.ReceiveTransfer', Leg);

export type AccountCommand = MessageOf<
  | typeof OpenAccount
  | typeof Deposit
  | typeof Withdraw
  | typeof CloseAccount
  | typeof SendTransfer
  | typeof ReceiveTransfer
>;

/** `POST /accounts` */
export const OpenAccountBody = z.strictObject({
  customerId: CustomerId,
  type: AccountType,
  initialDeposit: MoneyAmountOrZero.prefault('0'),
  currency: Currency.default(DEFAULT_CURRENCY),
});

/** `POST /accounts/{accountId}/deposits` and `/withdrawals` */
export const MovementBody = z.strictObject({ amount: MoneyAmount, description: Description.optional() });

/** `POST /accounts/{accountId}/close` */
export const CloseAccountBody = z.strictObject({});
