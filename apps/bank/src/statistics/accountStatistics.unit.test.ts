import { isNotFoundError } from '@janus/core';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { Deposit, OpenAccount, Withdraw } from '../accounts/accountCommands.js';
import type { HistoryItem, TransactionKind } from '../history/transactionHistory.js';
import { T0, after, at, balance, bankInMemory } from '../testing/bankFixtures.js';
import { Transfer } from '../transfers/transferCommands.js';
import { GetStatistics, accountStatistics } from './accountStatistics.js';

let seq = 0;
const item = (
  kind: TransactionKind,
  amount: string,
  balanceAfter: string,
  occurredAt: string,
): HistoryItem => ({
  accountId: 'acc-1',
  seq: ++seq,
  transactionId: `t-${seq}`,
  kind,
  amount: balance(amount),
  balanceAfter: balance(balanceAfter),
  description: kind,
  occurredAt,
});

const day = (d: number, hour = 12) =>
  `2026-11-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const items = [
  item('opening_deposit', '1000', '1000', day(1)),
  item('deposit', '500', '1500', day(2)),
  item('withdrawal', '-200', '1300', day(3)),
  item('transfer_out', '-700', '600', day(4)),
  item('transfer_in', '50', '650', day(5)),
  item('deposit', '25.5', '675.50', day(6)),
];

describe('statistics over [from, to)', () => {
  test('all time: the opening deposit is no deposit, netFlow is signed, min and max among the items', () => {
    expect(accountStatistics('acc-1', items)).toEqual({
      accountId: 'acc-1',
      from: null,
      to: null,
      deposits: { count: 2, total: '525.50' },
      withdrawals: { count: 1, total: '200.00' },
      transfersIn: { count: 1, total: '50.00' },
      transfersOut: { count: 1, total: '700.00' },
      netFlow: '-324.50',
      minBalance: '600.00',
      maxBalance: '1500.00',
      largestTransaction: {
        transactionId: 't-1',
        kind: 'opening_deposit',
        amount: '1000.00',
        balanceAfter: '1000.00',
        description: 'opening_deposit',
        occurredAt: day(1),
      },
    });
  });

  test('from is inclusive, to exclusive', () => {
    const stats = accountStatistics('acc-1', items, { from: day(3), to: day(5) });
    expect(stats).toMatchObject({
      from: day(3),
      to: day(5),
      deposits: { count: 0, total: '0.00' },
      withdrawals: { count: 1, total: '200.00' },
      transfersIn: { count: 0, total: '0.00' },
      transfersOut: { count: 1, total: '700.00' },
      netFlow: '-900.00',
      minBalance: '600.00',
      maxBalance: '1300.00',
    });
    expect(stats.largestTransaction?.amount).toBe('-700.00');
  });

  test('either bound alone', () => {
    expect(accountStatistics('acc-1', items, { from: day(5) }).deposits).toEqual({
      count: 1,
      total: '25.50',
    });
    expect(accountStatistics('acc-1', items, { to: day(2) }).deposits).toEqual({ count: 0, total: '0.00' });
  });

  test('an empty range has zero totals and no balances', () => {
    expect(accountStatistics('acc-1', items, { from: day(20), to: day(21) })).toEqual({
      accountId: 'acc-1',
      from: day(20),
      to: day(21),
      deposits: { count: 0, total: '0.00' },
      withdrawals: { count: 0, total: '0.00' },
      transfersIn: { count: 0, total: '0.00' },
      transfersOut: { count: 0, total: '0.00' },
      netFlow: '0.00',
      minBalance: null,
      maxBalance: null,
      largestTransaction: null,
    });
  });

  test('the largest transaction is by absolute amount, the earliest of equals', () => {
    const equal = [item('deposit', '300', '300', day(1)), item('withdrawal', '-300', '0', day(2))];
    expect(accountStatistics('acc-1', equal).largestTransaction?.kind).toBe('deposit');
  });

  test('the query validates its range and reads the history', async () => {
    await expect(GetStatistics.validate({ accountId: 'a', from: day(2), to: day(1) })).rejects.toThrow(
      /to: must not be before from/,
    );
    await expect(GetStatistics.validate({ accountId: 'a', from: 'yesterday' })).rejects.toThrow(/from/);
    const bank = await bankInMemory();
    try {
      await bank.commands.send(
        OpenAccount(
          {
            accountId: 'acc-1',
            transactionId: 'o',
            customerId: 'c',
            type: 'savings',
            initialDeposit: money('10'),
            currency: 'USD',
          },
          at(T0),
        ),
      );
      await bank.commands.send(
        OpenAccount(
          {
            accountId: 'acc-2',
            transactionId: 'o2',
            customerId: 'c',
            type: 'savings',
            initialDeposit: 0n,
            currency: 'USD',
          },
          at(T0),
        ),
      );
      await bank.commands.send(
        Deposit({ accountId: 'acc-1', transactionId: 'd', amount: money('5') }, at(after(60))),
      );
      await bank.commands.send(
        Withdraw({ accountId: 'acc-1', transactionId: 'w', amount: money('1') }, at(after(120))),
      );
      const { position } = await bank.commands.send(
        Transfer(
          { transferId: 't', fromAccountId: 'acc-1', toAccountId: 'acc-2', amount: money('4') },
          at(after(180)),
        ),
      );
      await bank.caughtUp(position);
      const stats = await bank.queries.ask(GetStatistics({ accountId: 'acc-1', from: after(60) }));
      expect(stats).toMatchObject({
        from: after(60),
        to: null,
        deposits: { count: 1, total: '5.00' },
        withdrawals: { count: 1, total: '1.00' },
        transfersOut: { count: 1, total: '4.00' },
        netFlow: '0.00',
        minBalance: '10.00',
        maxBalance: '15.00',
      });
      const error: unknown = await bank.queries
        .ask(GetStatistics({ accountId: 'nope' }))
        .catch((e: unknown) => e);
      expect(isNotFoundError(error)).toBe(true);
    } finally {
      await bank.stop();
    }
  });
});
