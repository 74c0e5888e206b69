import { assertNever, projection, type EventOf, type ReadModels, type RecordedEvent } from '@janus/core';
import { formatMoney } from '@janus/money';
import {
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  TransferReceived,
  TransferSent,
} from '../accounts/accountEvents.js';

export type TransactionKind = 'opening_deposit' | 'deposit' | 'withdrawal' | 'transfer_in' | 'transfer_out';

/**
 * One transaction of one account, as the read model keeps it: a document per item, found by its
 * account through the `accountId` index. `seq` is the version of its event in the account's stream:
 * items sort by it (oldest first), and a page cursor is one.
 */
export interface HistoryItem {
  readonly accountId: string;
  readonly seq: number;
  readonly transactionId: string;
  readonly kind: TransactionKind;
  /** Signed cents: negative for money leaving the account. */
  readonly amount: bigint;
  /** Cents: the balance once this item is applied (the running sum of the account's items). */
  readonly balanceAfter: bigint;
  readonly description: string;
  readonly occurredAt: string;
  readonly counterpartyAccountId?: string;
  readonly transferId?: string;
}

const itemEvents = [
  OpeningDepositMade,
  MoneyDeposited,
  MoneyWithdrawn,
  TransferSent,
  TransferReceived,
] as const;
type ItemEvent = EventOf<(typeof itemEvents)[number]>;

/** The item an event makes. A transaction without a client's description gets a plain one. */
export function historyItem(event: RecordedEvent<ItemEvent>): HistoryItem {
  const { accountId, transactionId, amount, balanceAfter, at: occurredAt } = event.data;
  const item = { accountId, seq: event.version, transactionId, balanceAfter, occurredAt };
  switch (event.type) {
    case 'bank.OpeningDepositMade.v1':
      return { ...item, kind: 'opening_deposit', amount, description: 'Opening deposit' };
    case 'bank.MoneyDeposited.v1':
      return { ...item, kind: 'deposit', amount, description: event.data.description ?? 'Deposit' };
    case 'bank.MoneyWithdrawn.v1':
      return {
        ...item,
        kind: 'withdrawal',
        amount: -amount,
        description: event.data.description ?? 'Withdrawal',
      };
    case 'bank.TransferSent.v1': {
      const { counterpartyAccountId, transferId, description } = event.data;
      return {
        ...item,
        kind: 'transfer_out',
        amount: -amount,
        description: description ?? `Transfer to ${counterpartyAccountId}`,
        counterpartyAccountId,
        transferId,
      };
    }
    case 'bank.TransferReceived.v1': {
      const { counterpartyAccountId, transferId, description } = event.data;
      return {
        ...item,
        kind: 'transfer_in',
        amount,
        description: description ?? `Transfer from ${counterpartyAccountId}`,
        counterpartyAccountId,
        transferId,
      };
    }
    default:
      return assertNever(event);
  }
}

/** Document ids sort like the items: by account, then by stream version. */
const itemId = (accountId: string, seq: number) => `${accountId}:${String(seq).padStart(12, '0')}`;

/**
 * The transaction history read model: one document per item. Applying an event writes one small
 * document whatever the account's length of history (a document per account would rewrite its whole
 * history on every transaction), and an item never changes once written.
 */
export const transactionHistory = projection({
  name: 'bank.transactions',
  version: 1,
  handles: itemEvents,
  id: (event) => itemId(event.data.accountId, event.version),
  indexes: ['accountId'],
  apply: (_doc: HistoryItem | undefined, event) => historyItem(event),
});

/** Every item of an account, oldest first. */
export async function accountHistory(readModels: ReadModels, accountId: string): Promise<HistoryItem[]> {
  const items = await readModels.documents(transactionHistory).find('accountId', accountId);
  return items.sort((a, b) => a.seq - b.seq);
}

/** A transaction item as the contract writes it. */
export interface TransactionItem {
  readonly transactionId: string;
  readonly kind: TransactionKind;
  readonly amount: string;
  readonly balanceAfter: string;
  readonly description: string;
  readonly occurredAt: string;
  readonly counterpartyAccountId?: string;
  readonly transferId?: string;
}

export function toTransactionItem(item: HistoryItem): TransactionItem {
  const { transactionId, kind, amount, balanceAfter, description, occurredAt } = item;
  return {
    transactionId,
    kind,
    amount: formatMoney(amount),
    balanceAfter: formatMoney(balanceAfter),
    description,
    occurredAt,
    ...(item.counterpartyAccountId === undefined
      ? {}
      : { counterpartyAccountId: item.counterpartyAccountId }),
    ...(item.transferId === undefined ? {} : { transferId: item.transferId }),
  };
}
