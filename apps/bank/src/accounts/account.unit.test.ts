import { given } from '@janus/core/testing';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import {
  T0,
  account,
  after,
  at,
  closed,
  deposited,
  opened,
  openedWith,
  received,
  sent,
  withdrawn,
} from '../testing/bankFixtures.js';
import {
  CloseAccount,
  Deposit,
  OpenAccount,
  ReceiveTransfer,
  SendTransfer,
  Withdraw,
} from './accountCommands.js';
import {
  AccountClosed,
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
} from './accountEvents.js';

const accountId = 'acc-1';
const open = (initialDeposit: string, metadata = at(T0)) =>
  OpenAccount(
    {
      accountId,
      transactionId: 'tx-open',
      customerId: 'alice',
      type: 'checking',
      initialDeposit: money(initialDeposit, { allowZero: true }),
      currency: 'USD',
    },
    metadata,
  );
const deposit = (amount: string, metadata = at(T0)) =>
  Deposit({ accountId, transactionId: 'tx-d', amount: money(amount) }, metadata);
const withdraw = (amount: string, metadata = at(T0)) =>
  Withdraw({ accountId, transactionId: 'tx-w', amount: money(amount) }, metadata);

describe('opening an account', () => {
  test('records the opening and its initial deposit as its own kind of event', () => {
    given(account)
      .when(open('1000'))
      .then([
        AccountOpened({ accountId, customerId: 'alice', type: 'checking', currency: 'USD', at: T0 }),
        OpeningDepositMade({
          accountId,
          transactionId: 'tx-open',
          amount: 100000n,
          balanceAfter: 100000n,
          at: T0,
        }),
      ]);
  });

  test('with a zero initial deposit records no opening deposit', () => {
    given(account).when(open('0')).then([opened()]);
  });

  test('takes its time from the command metadata, normalized to UTC', () => {
    given(account)
      .when(open('0', at('2026-11-02T10:00:00+01:00')))
      .then([opened(accountId, { at: T0 })]);
  });

  test('an account that exists already cannot be opened again', () => {
    given(account, [opened()]).when(open('0')).thenFails('account-exists');
  });
});

describe('deposits', () => {
  test('add to the balance and record the balance they leave', () => {
    given(account, openedWith(accountId, '1000'))
      .when(Deposit({ accountId, transactionId: 'tx-d', amount: 50000n, description: 'salary' }, at(T0)))
      .then([
        MoneyDeposited({
          accountId,
          transactionId: 'tx-d',
          amount: 50000n,
          balanceAfter: 150000n,
          description: 'salary',
          at: T0,
        }),
      ]);
  });

  test('into a closed account are refused', () => {
    given(account, [opened(), closed()]).when(deposit('5')).thenFails('account-closed');
  });

  test('into an account that does not exist are refused as not found', () => {
    given(account).when(deposit('5')).thenFails('not-found');
  });
});

describe('withdrawals', () => {
  test('take from the balance', () => {
    given(account, openedWith(accountId, '100'))
      .when(withdraw('100'))
      .then([
        MoneyWithdrawn({
          accountId,
          transactionId: 'tx-w',
          amount: 10000n,
          balanceAfter: 0n,
          description: null,
          at: T0,
        }),
      ]);
  });

  test('of more than the balance are refused: insufficient-funds', () => {
    given(account, openedWith(accountId, '100')).when(withdraw('100.01')).thenFails('insufficient-funds');
  });

  test('from an empty account are refused', () => {
    given(account, [opened()]).when(withdraw('0.01')).thenFails('insufficient-funds');
  });

  test('from a closed account are refused', () => {
    given(account, [opened(), closed()]).when(withdraw('1')).thenFails('account-closed');
  });

  test('from an account that does not exist are refused as not found', () => {
    given(account).when(withdraw('1')).thenFails('not-found');
  });
});

describe('closing an account', () => {
  test('with a zero balance closes it', () => {
    given(account, [...openedWith(accountId, '10'), withdrawn(accountId, '10', '0')])
      .when(CloseAccount({ accountId }, at(after(60))))
      .then([AccountClosed({ accountId, at: after(60) })]);
  });

  test('with money left is refused: balance-not-zero', () => {
    given(account, openedWith(accountId, '0.01'))
      .when(CloseAccount({ accountId }, at(T0)))
      .thenFails('balance-not-zero');
  });

  test('twice is refused: account-closed', () => {
    given(account, [opened(), closed()])
      .when(CloseAccount({ accountId }, at(T0)))
      .thenFails('account-closed');
  });

  test('that does not exist is refused as not found', () => {
    given(account)
      .when(CloseAccount({ accountId }, at(T0)))
      .thenFails('not-found');
  });
});

describe('transfer legs', () => {
  const leg = { transferId: 'tr-1', amount: 2000n }; // 20.00
  test('the outgoing leg takes from the balance; the incoming one adds to it', () => {
    const state = given(account, [...openedWith(accountId, '100'), received(accountId, 'acc-2', '5', '105')])
      .when(
        SendTransfer(
          { ...leg, accountId, transactionId: 'tr-1:out', counterpartyAccountId: 'acc-2' },
          at(T0),
        ),
      )
      .state();
    expect(state).toMatchObject({ status: 'open', balance: 8500n });
  });

  test('the outgoing leg needs the funds', () => {
    given(account, [opened()])
      .when(
        SendTransfer(
          { ...leg, accountId, transactionId: 'tr-1:out', counterpartyAccountId: 'acc-2' },
          at(T0),
        ),
      )
      .thenFails('insufficient-funds');
  });

  test('the incoming leg is refused by a closed account', () => {
    given(account, [opened(), closed()])
      .when(
        ReceiveTransfer(
          { ...leg, accountId, transactionId: 'tr-1:in', counterpartyAccountId: 'acc-2' },
          at(T0),
        ),
      )
      .thenFails('account-closed');
  });
});

test('the state is a tagged union that follows the stream', () => {
  expect(given(account).when(open('0')).state()).toMatchObject({ status: 'open', balance: 0n });
  const history = [
    ...openedWith(accountId, '10'),
    deposited(accountId, '5', '15'),
    sent(accountId, 'acc-2', '15', '0'),
  ];
  expect(
    given(account, history)
      .when(CloseAccount({ accountId }, at(T0)))
      .state(),
  ).toEqual({
    status: 'closed',
    accountId,
    customerId: 'alice',
    type: 'checking',
    currency: 'USD',
    openedAt: T0,
    closedAt: T0,
  });
});
