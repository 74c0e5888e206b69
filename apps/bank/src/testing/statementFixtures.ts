// A statement's account and its history, for the tests of the statement and of its representations.
import type { AccountDocument } from '../accounts/accountsView.js';
import type { HistoryItem, TransactionKind } from '../history/transactionHistory.js';
import { balance } from './bankFixtures.js';

export const account: AccountDocument = {
  accountId: 'acc-7f3a',
  customerId: 'alice',
  type: 'checking',
  currency: 'USD',
  balance: balance('145'),
  status: 'open',
  openedAt: '2026-10-20T10:00:00.000Z',
};

let seq = 0;
export const item = (
  kind: TransactionKind,
  amount: string,
  balanceAfter: string,
  occurredAt: string,
  description: string = kind,
) =>
  ({
    accountId: account.accountId,
    seq: ++seq,
    transactionId: `t-${seq}`,
    kind,
    amount: balance(amount),
    balanceAfter: balance(balanceAfter),
    description,
    occurredAt,
  }) satisfies HistoryItem;

export const items = [
  item('opening_deposit', '100', '100', '2026-10-20T10:00:00.000Z'),
  item('deposit', '50', '150', '2026-10-31T23:59:59.999Z'),
  item('withdrawal', '-30', '120', '2026-11-01T00:00:00.000Z', 'rent, "November"'),
  item('transfer_in', '20', '140', '2026-11-30T23:59:59.999Z'),
  item('deposit', '5', '145', '2026-12-01T00:00:00.000Z'),
];
export const NOW = '2026-12-15T12:00:00.000Z';
