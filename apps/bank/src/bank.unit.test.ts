import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { Deposit, OpenAccount } from './accounts/accountCommands.js';
import { GetAccount, GetCustomerSummary } from './accounts/accountQueries.js';
import { ListTransactions } from './history/listTransactions.js';
import { GetStatistics } from './statistics/accountStatistics.js';
import { GetStatement } from './statements/monthlyStatement.js';
import { T0, after, at, bankInMemory } from './testing/bankFixtures.js';
import { Transfer } from './transfers/transferCommands.js';

describe('the seed scenario, through the buses, the in-memory store and the projection runner', () => {
  test('checking 1000 + savings 5000, deposit 500, transfer 200 → 1300.00 and 5200.00, total 6500.00', async () => {
    const bank = await bankInMemory();
    try {
      const { accountId: checking } = await bank.commands.send(
        OpenAccount(
          {
            accountId: 'chk',
            transactionId: 'chk-open',
            customerId: 'alice',
            type: 'checking',
            initialDeposit: money('1000'),
            currency: 'USD',
          },
          at(T0),
        ),
      );
      const { accountId: savings } = await bank.commands.send(
        OpenAccount(
          {
            accountId: 'sav',
            transactionId: 'sav-open',
            customerId: 'alice',
            type: 'savings',
            initialDeposit: money('5000'),
            currency: 'USD',
          },
          at(after(1)),
        ),
      );
      await bank.commands.send(
        Deposit({ accountId: checking, transactionId: 'dep-1', amount: money('500') }, at(after(2))),
      );
      const { position, transferId } = await bank.commands.send(
        Transfer(
          {
            transferId: 'tr-1',
            fromAccountId: checking,
            toAccountId: savings,
            amount: money('200'),
            description: 'to savings',
          },
          at(after(3)),
        ),
      );
      expect(transferId).toBe('tr-1');
      await bank.caughtUp(position);

      expect(await bank.queries.ask(GetAccount({ accountId: checking }))).toMatchObject({
        balance: '1300.00',
        status: 'open',
      });
      expect(await bank.queries.ask(GetAccount({ accountId: savings }))).toMatchObject({
        balance: '5200.00',
      });

      const history = await bank.queries.ask(ListTransactions({ accountId: checking, limit: 50 }));
      expect(history.items.map((i) => [i.kind, i.amount, i.balanceAfter])).toEqual([
        ['transfer_out', '-200.00', '1300.00'],
        ['deposit', '500.00', '1500.00'],
        ['opening_deposit', '1000.00', '1000.00'],
      ]);
      expect(history.items[0]).toMatchObject({
        counterpartyAccountId: savings,
        transferId: 'tr-1',
        description: 'to savings',
      });

      expect(await bank.queries.ask(GetCustomerSummary({ customerId: 'alice' }))).toEqual({
        customerId: 'alice',
        accounts: [
          { accountId: checking, type: 'checking', currency: 'USD', balance: '1300.00', status: 'open' },
          { accountId: savings, type: 'savings', currency: 'USD', balance: '5200.00', status: 'open' },
        ],
        totals: { USD: '6500.00' },
      });

      expect(await bank.queries.ask(GetStatistics({ accountId: checking }))).toMatchObject({
        deposits: { count: 1, total: '500.00' },
        transfersOut: { count: 1, total: '200.00' },
        netFlow: '300.00',
        minBalance: '1000.00',
        maxBalance: '1500.00',
      });

      expect(
        await bank.queries.ask(GetStatement({ accountId: checking, month: '2026-11' }, at(after(60)))),
      ).toMatchObject({
        openingBalance: '0.00',
        closingBalance: '1300.00',
        totalIn: '1500.00',
        totalOut: '200.00',
      });
    } finally {
      await bank.stop();
    }
  });
});
