// The accounts read model specified with given(projection, …): the balance and status each account
// event leaves, and the customer index of the customer summary.
import { given } from '@janus/core/testing';
import { describe, test } from 'vitest';
import {
  AccountClosed,
  AccountOpened,
  FraudAlertRaised,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  TransferReceived,
  TransferSent,
} from './accountEvents.js';
import { accountsView, type AccountDocument } from './accountsView.js';

const at = '2026-05-01T10:00:00.000Z';
const opened = (accountId = 'acc-1', customerId = 'alice') =>
  AccountOpened({ accountId, customerId, type: 'checking', currency: 'USD', at });
const movement = (transactionId: string, amount: bigint, balanceAfter: bigint, accountId = 'acc-1') => ({
  accountId,
  transactionId,
  amount,
  balanceAfter,
  description: null,
  at,
});
const leg = (amount: bigint, balanceAfter: bigint, accountId: string, counterpartyAccountId: string) => ({
  ...movement('tr-1', amount, balanceAfter, accountId),
  transferId: 'tr-1',
  counterpartyAccountId,
});
const account = (balance: bigint, status: 'open' | 'closed' = 'open'): AccountDocument => ({
  accountId: 'acc-1',
  customerId: 'alice',
  type: 'checking',
  currency: 'USD',
  balance,
  status,
  openedAt: at,
});

describe('accountsView', () => {
  test('an account opened holds nothing, then its opening deposit', () => {
    given(accountsView, [opened()]).thenDocuments({ 'acc-1': account(0n) });
    given(accountsView, [opened(), OpeningDepositMade(movement('open', 10_000n, 10_000n))]).thenDocument(
      'acc-1',
      account(10_000n),
    );
  });

  test('deposits and incoming transfers add, withdrawals and outgoing transfers subtract', () => {
    given(accountsView, [
      opened(),
      opened('acc-2', 'bob'),
      MoneyDeposited(movement('d-1', 5_000n, 5_000n)),
      MoneyWithdrawn(movement('w-1', 1_250n, 3_750n)),
      TransferSent(leg(750n, 3_000n, 'acc-1', 'acc-2')),
      TransferReceived(leg(750n, 750n, 'acc-2', 'acc-1')),
    ]).thenDocuments({
      'acc-1': account(3_000n),
      'acc-2': { ...account(750n), accountId: 'acc-2', customerId: 'bob' },
    });
  });

  test('a fraud alert moves no money; a closed account keeps its last balance', () => {
    const alert = FraudAlertRaised({
      alertId: 'w-2',
      accountId: 'acc-1',
      rule: 'large-amount',
      operation: 'withdrawal',
      amount: 9_999_999n,
      counterpartyAccountId: null,
      at,
    });
    given(accountsView, [opened(), MoneyDeposited(movement('d-1', 100n, 100n)), alert]).thenDocument(
      'acc-1',
      account(100n),
    );
    given(accountsView, [opened(), AccountClosed({ accountId: 'acc-1', at })]).thenDocument(
      'acc-1',
      account(0n, 'closed'),
    );
  });

  test('a customer’s accounts are found by customerId', () => {
    const spec = given(accountsView, [opened('acc-1'), opened('acc-2', 'bob'), opened('acc-3')]);
    spec.thenFinds('customerId', 'alice', ['acc-1', 'acc-3']);
    spec.thenFinds('customerId', 'carol', []);
  });
});
