import { event, type EventOf } from '@janus/core';
import { Balance, Cents } from '@janus/money';
import { z } from 'zod';
import {
  AccountId,
  AccountType,
  Currency,
  CustomerId,
  Id,
  Instant,
  TransactionId,
  TransferId,
} from './fields.js';

// Every event of an account's stream. Amounts are positive cents; `balanceAfter` is the account's balance
// once the event is applied (the decider computes it), so a history item is a function of its event alone.
// `at` is the command's time (its metadata timestamp), the business time every view shows.

export const AccountOpened = event(
  'bank.AccountOpened.v1',
  z.object({
    accountId: AccountId,
    customerId: CustomerId,
    type: AccountType,
    currency: Currency,
    at: Instant,
  }),
);

/** The initial deposit of a new account: its own kind of transaction, absent when the deposit is zero. */
export const OpeningDepositMade = event(
  'bank.OpeningDepositMade.v1',
  z.object({
    accountId: AccountId,
    transactionId: TransactionId,
    amount: Cents,
    balanceAfter: Balance,
    at: Instant,
  }),
);

const Movement = z.object({
  accountId: AccountId,
  transactionId: TransactionId,
  amount: Cents,
  balanceAfter: Balance,
  description: z.string().nullable(),
  at: Instant,
});

export const MoneyDeposited = event('bank.MoneyDeposited.v1', Movement);
export const MoneyWithdrawn = event('bank.MoneyWithdrawn.v1', Movement);

const TransferLeg = Movement.extend({ transferId: TransferId, counterpartyAccountId: AccountId });

/** The outgoing leg of a transfer, in the sender's stream. */
export const TransferSent = event('bank.TransferSent.v1', TransferLeg);
/** The incoming leg of a transfer, in the receiver's stream (appended atomically with the outgoing one). */
export const TransferReceived = event('bank.TransferReceived.v1', TransferLeg);

export const AccountClosed = event('bank.AccountClosed.v1', z.object({ accountId: AccountId, at: Instant }));

export const FraudRule = z.enum(['large-amount', 'velocity', 'daily-limit']);
export type FraudRule = z.infer<typeof FraudRule>;

/** The operations fraud rules screen. */
export const ScreenedOperation = z.enum(['withdrawal', 'transfer_out']);
export type ScreenedOperation = z.infer<typeof ScreenedOperation>;

/**
 * A withdrawal or outgoing transfer was refused as suspected fraud. Recorded in the account's stream
 * although the command fails; it moves no money. `alertId` is the id the refused operation would have had
 * (its transactionId, or its transferId).
 */
export const FraudAlertRaised = event(
  'bank.FraudAlertRaised.v1',
  z.object({
    alertId: Id,
    accountId: AccountId,
    rule: FraudRule,
    operation: ScreenedOperation,
    amount: Cents,
    counterpartyAccountId: AccountId.nullable(),
    at: Instant,
  }),
);

export type AccountEvent = EventOf<
  | typeof AccountOpened
  | typeof OpeningDepositMade
  | typeof MoneyDeposited
  | typeof MoneyWithdrawn
  | typeof TransferSent
  | typeof TransferReceived
  | typeof AccountClosed
  | typeof FraudAlertRaised
>;

/** Every account event definition, for projections that handle them all. */
export const accountEvents = [
  AccountOpened,
  OpeningDepositMade,
  MoneyDeposited,
  MoneyWithdrawn,
  TransferSent,
  TransferReceived,
  AccountClosed,
  FraudAlertRaised,
] as const;
