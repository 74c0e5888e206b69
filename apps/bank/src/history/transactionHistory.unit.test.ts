import { isNotFoundError, isValidationError } from '@janus/core';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { Deposit, OpenAccount, Withdraw } from '../accounts/accountCommands.js';
import { T0, after, at, bankInMemory } from '../testing/bankFixtures.js';
import { Transfer } from '../transfers/transferCommands.js';
import { ListTransactions, decodeCursor, encodeCursor, pageOfTransactions } from './listTransactions.js';
import type { HistoryItem } from './transactionHistory.js';

const open = (accountId: string, initialDeposit: string, when = T0) =>
  OpenAccount(
    {
      accountId,
      transactionId: `${accountId}-open`,
      customerId: 'alice',
      type: 'checking',
      initialDeposit: money(initialDeposit, { allowZero: true }),
      currency: 'USD',
    },
    at(when),
  );

describe('transaction history', () => {
  test('items follow the contract: signed amounts, running balances, kinds, transfer details', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(open('acc-1', '100'));
      await bank.commands.send(open('acc-2', '0'));
      await bank.commands.send(
        Deposit(
          { accountId: 'acc-1', transactionId: 'd-1', amount: money('20.5'), description: 'salary, "net"' },
          at(after(1)),
        ),
      );
      await bank.commands.send(
        Withdraw({ accountId: 'acc-1', transactionId: 'w-1', amount: money('0.50') }, at(after(2))),
      );
      const { position } = await bank.commands.send(
        Transfer(
          { transferId: 'tr-1', fromAccountId: 'acc-1', toAccountId: 'acc-2', amount: money('120') },
          at(after(3)),
        ),
      );
      await bank.caughtUp(position);
      const page = await bank.queries.ask(ListTransactions({ accountId: 'acc-1', limit: 50 }));
      expect(page).toEqual({
        items: [
          {
            transactionId: 'tr-1:out',
            kind: 'transfer_out',
            amount: '-120.00',
            balanceAfter: '0.00',
            description: 'Transfer to acc-2',
            occurredAt: after(3),
            counterpartyAccountId: 'acc-2',
            transferId: 'tr-1',
          },
          {
            transactionId: 'w-1',
            kind: 'withdrawal',
            amount: '-0.50',
            balanceAfter: '120.00',
            description: 'Withdrawal',
            occurredAt: after(2),
          },
          {
            transactionId: 'd-1',
            kind: 'deposit',
            amount: '20.50',
            balanceAfter: '120.50',
            description: 'salary, "net"',
            occurredAt: after(1),
          },
          {
            transactionId: 'acc-1-open',
            kind: 'opening_deposit',
            amount: '100.00',
            balanceAfter: '100.00',
            description: 'Opening deposit',
            occurredAt: T0,
          },
        ],
        nextCursor: null,
      });
      expect((await bank.queries.ask(ListTransactions({ accountId: 'acc-2', limit: 50 }))).items).toEqual([
        {
          transactionId: 'tr-1:in',
          kind: 'transfer_in',
          amount: '120.00',
          balanceAfter: '120.00',
          description: 'Transfer from acc-1',
          occurredAt: after(3),
          counterpartyAccountId: 'acc-1',
          transferId: 'tr-1',
        },
      ]);
    } finally {
      await bank.stop();
    }
  });

  test('an account opened with nothing has no items; an unknown account is not found', async () => {
    const bank = await bankInMemory();
    try {
      const { position } = await bank.commands.send(open('acc-1', '0'));
      await bank.caughtUp(position);
      expect(await bank.queries.ask(ListTransactions({ accountId: 'acc-1', limit: 50 }))).toEqual({
        items: [],
        nextCursor: null,
      });
      const error: unknown = await bank.queries
        .ask(ListTransactions({ accountId: 'nope', limit: 50 }))
        .catch((e: unknown) => e);
      expect(isNotFoundError(error)).toBe(true);
    } finally {
      await bank.stop();
    }
  });

  test('pages newest first with a cursor until the oldest item, through the query', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(open('acc-1', '1'));
      let position = 0n;
      for (let i = 1; i <= 6; i++) {
        ({ position } = await bank.commands.send(
          Deposit({ accountId: 'acc-1', transactionId: `d-${i}`, amount: money(String(i)) }, at(after(i))),
        ));
      }
      await bank.caughtUp(position);
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await bank.queries.ask(
          ListTransactions({ accountId: 'acc-1', limit: 3, ...(cursor ? { cursor } : {}) }),
        );
        seen.push(page.items.map((item) => item.transactionId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([['d-6', 'd-5', 'd-4'], ['d-3', 'd-2', 'd-1'], ['acc-1-open']]);
    } finally {
      await bank.stop();
    }
  });
});

describe('pagination', () => {
  const items = [1, 2, 3, 5, 8].map((seq) => ({ seq, transactionId: `t${seq}` }) as HistoryItem);
  const ids = (page: { items: readonly HistoryItem[] }) => page.items.map((i) => i.transactionId);

  test('a page is the newest items before the cursor, and knows whether older ones remain', () => {
    const first = pageOfTransactions(items, 2);
    expect([ids(first), first.nextCursor]).toEqual([['t8', 't5'], encodeCursor(5)]);
    const second = pageOfTransactions(items, 2, decodeCursor(first.nextCursor ?? ''));
    expect(ids(second)).toEqual(['t3', 't2']);
    const last = pageOfTransactions(items, 2, 2);
    expect([ids(last), last.nextCursor]).toEqual([['t1'], null]);
    expect(pageOfTransactions(items, 5).nextCursor).toBeNull();
  });

  test('a cursor is opaque, and one the service did not make is a validation error', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    for (const bad of [
      '',
      'abc',
      '42',
      encodeCursor(0),
      Buffer.from('v1:01').toString('base64url'),
      `${encodeCursor(4)}=`,
    ]) {
      let error: unknown;
      try {
        decodeCursor(bad);
      } catch (e) {
        error = e;
      }
      expect(isValidationError(error), bad).toBe(true);
    }
  });

  test('the limit is 1 to 500, 50 by default', async () => {
    await expect(ListTransactions.validate({ accountId: 'a' })).resolves.toEqual({
      accountId: 'a',
      limit: 50,
    });
    await expect(ListTransactions.validate({ accountId: 'a', limit: '500' })).resolves.toMatchObject({
      limit: 500,
    });
    await expect(ListTransactions.validate({ accountId: 'a', limit: 0 })).rejects.toThrow(/limit/);
    await expect(ListTransactions.validate({ accountId: 'a', limit: 501 })).rejects.toThrow(/limit/);
    await expect(ListTransactions.validate({ accountId: 'a', limit: '2.5' })).rejects.toThrow(/limit/);
  });
});
