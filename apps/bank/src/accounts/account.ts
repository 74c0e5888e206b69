import { assertNever, decider, fail, type Decider, type Message, type Rejection } from '@janus/core';
import { formatMoney } from '@janus/money';
import type { FraudLimits } from '../fraud/fraudLimits.js';
import {
  noOutgoingActivity,
  recordOutgoing,
  screenOutgoing,
  type OutgoingActivity,
} from '../fraud/outgoingActivity.js';
import type { AccountCommand } from './accountCommands.js';
import {
  AccountClosed,
  AccountOpened,
  FraudAlertRaised,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  TransferReceived,
  TransferSent,
  type AccountEvent,
  type ScreenedOperation,
} from './accountEvents.js';
import type { AccountType } from './fields.js';

interface Opened {
  readonly accountId: string;
  readonly customerId: string;
  readonly type: AccountType;
  readonly currency: string;
  readonly openedAt: string;
}

/** One account, as its stream says. */
export type Account =
  | { readonly status: 'none' }
  | (Opened & { readonly status: 'open'; readonly balance: bigint; readonly outgoing: OutgoingActivity })
  | (Opened & { readonly status: 'closed'; readonly closedAt: string });

export type AccountDecider = Decider<Account, AccountCommand, AccountEvent>;

/** The command's time: its metadata timestamp, normalized to ISO 8601 UTC. Never the clock. */
export function commandTime(command: Message): { readonly at: string; readonly ms: number } {
  const ms = Date.parse(command.metadata.timestamp);
  if (Number.isNaN(ms))
    throw new TypeError(`command timestamp '${command.metadata.timestamp}' is not an instant`);
  return { at: new Date(ms).toISOString(), ms };
}

/** The refusal of a command on an account that does not exist; the command handlers answer it with a 404. */
export const accountNotFound = (accountId: string): Rejection<never> =>
  fail('not-found', { message: `account '${accountId}' does not exist` });

/** The refusal of a command on a closed account. */
export const accountClosed = (accountId: string): Rejection<never> =>
  fail('account-closed', { message: `account '${accountId}' is closed` });

interface MovementData {
  readonly accountId: string;
  readonly transactionId: string;
  readonly amount: bigint;
  readonly description?: string | undefined;
}

// Event data is built field by field in the schema's order: events compare (and store) the same every time.
const movement = (d: MovementData, balanceAfter: bigint, at: string) => ({
  accountId: d.accountId,
  transactionId: d.transactionId,
  amount: d.amount,
  balanceAfter,
  description: d.description ?? null,
  at,
});

const transferLeg = (
  d: MovementData & { readonly transferId: string; readonly counterpartyAccountId: string },
  balanceAfter: bigint,
  at: string,
) => ({
  ...movement(d, balanceAfter, at),
  transferId: d.transferId,
  counterpartyAccountId: d.counterpartyAccountId,
});

/**
 * The account decider. The fraud limits are configuration: they come in here, never from the
 * environment. Withdrawals and outgoing transfer legs are checked in this order: the account is open,
 * the fraud rules (a refusal records a FraudAlertRaised and moves no money), then the funds.
 */
export function accountDecider(limits: FraudLimits): AccountDecider {
  const outgoing = (
    state: Account,
    command: Extract<AccountCommand, { type: 'bank.Withdraw' | 'bank.SendTransfer' }>,
    operation: ScreenedOperation,
    accept: (balanceAfter: bigint, at: string) => AccountEvent,
  ): readonly AccountEvent[] | Rejection<AccountEvent> => {
    const { accountId, amount } = command.data;
    if (state.status === 'none') return accountNotFound(accountId);
    if (state.status === 'closed') return accountClosed(accountId);
    const { at, ms } = commandTime(command);
    const rule = screenOutgoing(state.outgoing, amount, ms, limits);
    if (rule !== null) {
      const alert = FraudAlertRaised({
        alertId: command.type === 'bank.SendTransfer' ? command.data.transferId : command.data.transactionId,
        accountId,
        rule,
        operation,
        amount,
        counterpartyAccountId:
          command.type === 'bank.SendTransfer' ? command.data.counterpartyAccountId : null,
        at,
      });
      return fail('fraud-suspected', {
        message: `the ${operation.replace('_', ' ')} was refused as suspected fraud (${rule})`,
        extensions: { rule },
        events: [alert],
      });
    }
    if (amount > state.balance) {
      return fail('insufficient-funds', {
        message: `the balance of account '${accountId}' is lower than ${formatMoney(amount)}`,
      });
    }
    return [accept(state.balance - amount, at)];
  };

  return decider<Account, AccountCommand, AccountEvent>({
    initialState: () => ({ status: 'none' }),

    decide(command, state) {
      switch (command.type) {
        case 'bank.OpenAccount': {
          const { accountId, transactionId, customerId, type, currency, initialDeposit } = command.data;
          if (state.status !== 'none') {
            return fail('account-exists', { message: `account '${accountId}' exists already` });
          }
          const { at } = commandTime(command);
          const opened = AccountOpened({ accountId, customerId, type, currency, at });
          if (initialDeposit === 0n) return [opened];
          return [
            opened,
            OpeningDepositMade({
              accountId,
              transactionId,
              amount: initialDeposit,
              balanceAfter: initialDeposit,
              at,
            }),
          ];
        }
        case 'bank.Deposit':
        case 'bank.ReceiveTransfer': {
          const { accountId, amount } = command.data;
          if (state.status === 'none') return accountNotFound(accountId);
          if (state.status === 'closed') return accountClosed(accountId);
          const { at } = commandTime(command);
          const balanceAfter = state.balance + amount;
          return command.type === 'bank.Deposit'
            ? [MoneyDeposited(movement(command.data, balanceAfter, at))]
            : [TransferReceived(transferLeg(command.data, balanceAfter, at))];
        }
        case 'bank.Withdraw':
          return outgoing(state, command, 'withdrawal', (balanceAfter, at) =>
            MoneyWithdrawn(movement(command.data, balanceAfter, at)),
          );
        case 'bank.SendTransfer':
          return outgoing(state, command, 'transfer_out', (balanceAfter, at) =>
            TransferSent(transferLeg(command.data, balanceAfter, at)),
          );
        case 'bank.CloseAccount': {
          const { accountId } = command.data;
          if (state.status === 'none') return accountNotFound(accountId);
          if (state.status === 'closed') return accountClosed(accountId);
          if (state.balance !== 0n) {
            return fail('balance-not-zero', {
              message: `account '${accountId}' still holds ${formatMoney(state.balance)}`,
            });
          }
          return [AccountClosed({ accountId, at: commandTime(command).at })];
        }
        default:
          return assertNever(command);
      }
    },

    evolve(state, event) {
      switch (event.type) {
        case 'bank.AccountOpened.v1': {
          const { accountId, customerId, type, currency, at } = event.data;
          return {
            status: 'open',
            accountId,
            customerId,
            type,
            currency,
            openedAt: at,
            balance: 0n,
            outgoing: noOutgoingActivity,
          };
        }
        case 'bank.OpeningDepositMade.v1':
        case 'bank.MoneyDeposited.v1':
        case 'bank.TransferReceived.v1':
          return state.status === 'open' ? { ...state, balance: state.balance + event.data.amount } : state;
        case 'bank.MoneyWithdrawn.v1':
        case 'bank.TransferSent.v1': {
          if (state.status !== 'open') return state;
          const { amount, at } = event.data;
          return {
            ...state,
            balance: state.balance - amount,
            outgoing: recordOutgoing(state.outgoing, amount, Date.parse(at), limits),
          };
        }
        case 'bank.AccountClosed.v1': {
          if (state.status !== 'open') return state;
          const { accountId, customerId, type, currency, openedAt } = state;
          return {
            status: 'closed',
            accountId,
            customerId,
            type,
            currency,
            openedAt,
            closedAt: event.data.at,
          };
        }
        case 'bank.FraudAlertRaised.v1':
          // A refused operation moves no money and does not count as an outgoing operation.
          return state;
        default:
          return assertNever(event);
      }
    },
  });
}
