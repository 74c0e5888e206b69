import { isDomainError, isNotFoundError } from '@janus/core';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { T0, after, at, bankInMemory } from '../testing/bankFixtures.js';
import {
  CloseAccount,
  CloseAccountBody,
  Deposit,
  MovementBody,
  OpenAccount,
  OpenAccountBody,
  Withdraw,
} from './accountCommands.js';
import { accountOwner } from './accountHandlers.js';
import { GetAccount, GetCustomerSummary } from './accountQueries.js';

const open = (accountId: string, customerId: string, initial: string, currency = 'USD', when = T0) =>
  OpenAccount(
    {
      accountId,
      transactionId: `${accountId}-open`,
      customerId,
      type: accountId.endsWith('s') ? 'savings' : 'checking',
      initialDeposit: money(initial, { allowZero: true }),
      currency,
    },
    at(when),
  );

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'succeeded',
    (e: unknown) => (isNotFoundError(e) ? 'not-found' : isDomainError(e) ? e.code : String(e)),
  );

describe('the account commands', () => {
  test('answer what the contract answers', async () => {
    const bank = await bankInMemory();
    try {
      const opened = await bank.commands.send(open('acc-1', 'alice', '10'));
      expect(opened).toEqual({ accountId: 'acc-1', position: 2n });
      const deposit = await bank.commands.send(
        Deposit({ accountId: 'acc-1', transactionId: 'd-1', amount: 1n }, at(T0)),
      );
      expect(deposit).toEqual({ transactionId: 'd-1', position: 3n });
      expect(
        await bank.commands.send(
          Withdraw({ accountId: 'acc-1', transactionId: 'w-1', amount: 1001n }, at(T0)),
        ),
      ).toEqual({
        transactionId: 'w-1',
        position: 4n,
      });
      expect(await bank.commands.send(CloseAccount({ accountId: 'acc-1' }, at(T0)))).toEqual({
        position: 5n,
      });
    } finally {
      await bank.stop();
    }
  });

  test('on an account that does not exist are not found; on a closed one, account-closed', async () => {
    const bank = await bankInMemory();
    try {
      expect(
        await failure(
          bank.commands.send(Deposit({ accountId: 'nope', transactionId: 'd', amount: 1n }, at(T0))),
        ),
      ).toBe('not-found');
      expect(await failure(bank.commands.send(CloseAccount({ accountId: 'nope' }, at(T0))))).toBe(
        'not-found',
      );
      await bank.commands.send(open('acc-1', 'alice', '0'));
      await bank.commands.send(CloseAccount({ accountId: 'acc-1' }, at(T0)));
      expect(
        await failure(
          bank.commands.send(Withdraw({ accountId: 'acc-1', transactionId: 'w', amount: 1n }, at(T0))),
        ),
      ).toBe('account-closed');
      expect(await failure(bank.commands.send(CloseAccount({ accountId: 'acc-1' }, at(T0))))).toBe(
        'account-closed',
      );
    } finally {
      await bank.stop();
    }
  });

  test('accountOwner reads the owner from the write side', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(open('acc-1', 'alice', '0'));
      expect(await accountOwner(bank.store, 'acc-1')).toBe('alice');
      expect(await accountOwner(bank.store, 'nope')).toBeUndefined();
    } finally {
      await bank.stop();
    }
  });
});

describe('the account views', () => {
  test('an account, now and as it stood at an instant', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(open('acc-1', 'alice', '100'));
      await bank.commands.send(
        Deposit({ accountId: 'acc-1', transactionId: 'd', amount: money('50') }, at(after(60))),
      );
      await bank.commands.send(
        Withdraw({ accountId: 'acc-1', transactionId: 'w', amount: money('150') }, at(after(120))),
      );
      const { position } = await bank.commands.send(CloseAccount({ accountId: 'acc-1' }, at(after(180))));
      await bank.caughtUp(position);
      const view = (asOf?: string) =>
        bank.queries.ask(GetAccount({ accountId: 'acc-1', ...(asOf ? { asOf } : {}) }));
      expect(await view()).toEqual({
        accountId: 'acc-1',
        customerId: 'alice',
        type: 'checking',
        currency: 'USD',
        balance: '0.00',
        status: 'closed',
        openedAt: T0,
      });
      expect(await view(T0)).toMatchObject({ balance: '100.00', status: 'open' });
      expect(await view(after(59))).toMatchObject({ balance: '100.00' });
      expect(await view(after(60))).toMatchObject({ balance: '150.00' });
      expect(await view('2026-11-02T10:02:30+01:00')).toMatchObject({ balance: '0.00', status: 'open' });
      expect(await view(after(3600))).toEqual(await view());
      expect(await failure(view(after(-1)))).toBe('not-found');
      expect(await failure(bank.queries.ask(GetAccount({ accountId: 'nope' })))).toBe('not-found');
    } finally {
      await bank.stop();
    }
  });

  test('a customer summary lists its accounts with totals per currency', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(open('acc-c', 'alice', '10.25'));
      await bank.commands.send(open('acc-s', 'alice', '5', 'USD', after(1)));
      await bank.commands.send(open('acc-e', 'alice', '7', 'EUR', after(2)));
      const { position } = await bank.commands.send(open('acc-b', 'bob', '1'));
      await bank.caughtUp(position);
      expect(await bank.queries.ask(GetCustomerSummary({ customerId: 'alice' }))).toEqual({
        customerId: 'alice',
        accounts: [
          { accountId: 'acc-c', type: 'checking', currency: 'USD', balance: '10.25', status: 'open' },
          { accountId: 'acc-s', type: 'savings', currency: 'USD', balance: '5.00', status: 'open' },
          { accountId: 'acc-e', type: 'checking', currency: 'EUR', balance: '7.00', status: 'open' },
        ],
        totals: { EUR: '7.00', USD: '15.25' },
      });
      expect(await failure(bank.queries.ask(GetCustomerSummary({ customerId: 'carol' })))).toBe('not-found');
    } finally {
      await bank.stop();
    }
  });
});

describe('the request bodies', () => {
  const issues = (
    schema: { safeParse(v: unknown): { error?: { issues: { path: PropertyKey[]; message: string }[] } } },
    body: unknown,
  ) => schema.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  test('opening: initial deposit 0 and currency USD by default', () => {
    expect(OpenAccountBody.parse({ customerId: 'alice', type: 'savings' })).toEqual({
      customerId: 'alice',
      type: 'savings',
      initialDeposit: 0n,
      currency: 'USD',
    });
    expect(
      OpenAccountBody.parse({
        customerId: 'a_b-C9',
        type: 'checking',
        initialDeposit: '12.3',
        currency: 'EUR',
      }),
    ).toMatchObject({
      initialDeposit: 1230n,
    });
  });

  test('opening: refuses unknown fields, bad customer ids, types and currencies', () => {
    expect(issues(OpenAccountBody, { customerId: 'alice', type: 'checking', extra: 1 })).toEqual([
      ': Unrecognized key: "extra"',
    ]);
    expect(issues(OpenAccountBody, { customerId: 'al ice', type: 'checking' })).toEqual([
      'customerId: must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -',
    ]);
    expect(issues(OpenAccountBody, { customerId: 'x'.repeat(65), type: 'checking' })).toHaveLength(1);
    expect(issues(OpenAccountBody, { customerId: 'alice', type: 'loan' })).toHaveLength(1);
    expect(issues(OpenAccountBody, { customerId: 'alice', type: 'checking', currency: 'usd' })).toEqual([
      'currency: must be an ISO 4217 code such as "USD"',
    ]);
    expect(
      issues(OpenAccountBody, { customerId: 'alice', type: 'checking', initialDeposit: '-1' }),
    ).toHaveLength(1);
  });

  test('deposits and withdrawals: an amount and at most 140 characters of one-line description', () => {
    expect(MovementBody.parse({ amount: '5', description: 'é'.repeat(140) })).toMatchObject({ amount: 500n });
    expect(MovementBody.parse({ amount: '5', description: '😀'.repeat(140) })).toMatchObject({
      amount: 500n,
    });
    expect(issues(MovementBody, { amount: '5', description: 'x'.repeat(141) })).toEqual([
      'description: must be at most 140 characters',
    ]);
    expect(issues(MovementBody, { amount: '5', description: 'two\nlines' })).toEqual([
      'description: must not contain control characters such as line breaks',
    ]);
    expect(issues(MovementBody, { amount: 5 })).toHaveLength(1);
    expect(issues(CloseAccountBody, { force: true })).toHaveLength(1);
    expect(CloseAccountBody.parse({})).toEqual({});
  });
});
