// The transaction history read model specified with given(projection, …): one item per money event, by
// account and the event's version in the account's stream, and the account index the history reads.
import { given } from '@janus/core/testing';
import { describe, test } from 'vitest';
import {
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  TransferReceived,
  TransferSent,
} from '../accounts/accountEvents.js';
import { accountStream } from '../accounts/fields.js';
import { transactionHistory } from './transactionHistory.js';

const at = '2026-05-01T10:00:00.000Z';
const inStream = <E extends { readonly data: { readonly accountId: string } }>(event: E) => ({
  ...event,
  streamId: accountStream(event.data.accountId),
});
const opened = (accountId: string) =>
  inStream(AccountOpened({ accountId, customerId: 'alice', type: 'checking', currency: 'USD', at }));
const money = (accountId: string, transactionId: string, amount: bigint, balanceAfter: bigint) => ({
  accountId,
  transactionId,
  amount,
  balanceAfter,
  description: null,
  at,
});
const leg = (accountId: string, counterpartyAccountId: string, amount: bigint, balanceAfter: bigint) => ({
  ...money(accountId, 'tr-1', amount, balanceAfter),
  transferId: 'tr-1',
  counterpartyAccountId,
});

describe('transactionHistory', () => {
  test('each money event is an item at its version in the account stream, signed, with a plain description', () => {
    given(transactionHistory, [
      opened('acc-1'),
      inStream(OpeningDepositMade(money('acc-1', 'open', 10_000n, 10_000n))),
      inStream(MoneyWithdrawn({ ...money('acc-1', 'w-1', 2_500n, 7_500n), description: 'rent' })),
    ]).thenDocuments({
      'acc-1:000000000002': {
        accountId: 'acc-1',
        seq: 2,
        transactionId: 'open',
        kind: 'opening_deposit',
        amount: 10_000n,
        balanceAfter: 10_000n,
        description: 'Opening deposit',
        occurredAt: at,
      },
      'acc-1:000000000003': {
        accountId: 'acc-1',
        seq: 3,
        transactionId: 'w-1',
        kind: 'withdrawal',
        amount: -2_500n,
        balanceAfter: 7_500n,
        description: 'rent',
        occurredAt: at,
      },
    });
  });

  test('a transfer is an item in each account, naming the other', () => {
    const spec = given(transactionHistory, [
      opened('acc-1'),
      opened('acc-2'),
      inStream(MoneyDeposited(money('acc-1', 'd-1', 1_000n, 1_000n))),
      inStream(TransferSent(leg('acc-1', 'acc-2', 400n, 600n))),
      inStream(TransferReceived(leg('acc-2', 'acc-1', 400n, 400n))),
    ]);
    spec.thenDocument('acc-1:000000000003', {
      accountId: 'acc-1',
      seq: 3,
      transactionId: 'tr-1',
      kind: 'transfer_out',
      amount: -400n,
      balanceAfter: 600n,
      description: 'Transfer to acc-2',
      occurredAt: at,
      counterpartyAccountId: 'acc-2',
      transferId: 'tr-1',
    });
    spec.thenDocument('acc-2:000000000002', {
      accountId: 'acc-2',
      seq: 2,
      transactionId: 'tr-1',
      kind: 'transfer_in',
      amount: 400n,
      balanceAfter: 400n,
      description: 'Transfer from acc-1',
      occurredAt: at,
      counterpartyAccountId: 'acc-1',
      transferId: 'tr-1',
    });
    spec.thenFinds('accountId', 'acc-1', ['acc-1:000000000002', 'acc-1:000000000003']);
    spec.thenFinds('accountId', 'acc-2', ['acc-2:000000000002']);
  });
});
