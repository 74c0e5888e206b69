import { InMemoryEventStore, isDomainError, isRejection } from '@janus/core';
import { given } from '@janus/core/testing';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { accountDecider } from '../accounts/account.js';
import { accountCommandHandlers } from '../accounts/accountHandlers.js';
import { Deposit, OpenAccount, SendTransfer, Withdraw } from '../accounts/accountCommands.js';
import { FraudAlertRaised, type FraudRule } from '../accounts/accountEvents.js';
import { GetAccount } from '../accounts/accountQueries.js';
import {
  T0,
  account,
  after,
  at,
  bankInMemory,
  countingConflicts,
  deposited,
  openedWith,
  received,
  sent,
  withdrawn,
} from '../testing/bankFixtures.js';
import { ListFraudAlerts } from './fraudAlerts.js';
import { FraudLimitsConfig, defaultFraudLimits } from './fraudLimits.js';

const accountId = 'acc-1';
const rich = openedWith(accountId, '100000'); // well above every limit
const withdraw = (amount: string, when: string = T0, transactionId = 'tx-w') =>
  Withdraw({ accountId, transactionId, amount: money(amount) }, at(when));
const alert = (rule: FraudRule, amount: string, when: string = T0, alertId = 'tx-w') =>
  FraudAlertRaised({
    alertId,
    accountId,
    rule,
    operation: 'withdrawal',
    amount: money(amount),
    counterpartyAccountId: null,
    at: when,
  });

/** `n` accepted withdrawals of 1.00, `gap` seconds apart, ending at `last`. */
const recentWithdrawals = (n: number, last: string, gap = 1) =>
  Array.from({ length: n }, (_, i) =>
    withdrawn(accountId, '1', String(100000 - i - 1), after(-(n - 1 - i) * gap, last), `w-${i}`),
  );

describe('large-amount', () => {
  test('an amount above the limit is refused, and the attempt recorded as an alert', () => {
    given(account, rich)
      .when(withdraw('10000.01'))
      .thenFails('fraud-suspected', [alert('large-amount', '10000.01')]);
  });

  test('an amount of exactly the limit passes', () => {
    expect(given(account, rich).when(withdraw('10000')).state()).toMatchObject({ balance: money('90000') });
  });

  test('the refusal names its rule for the client', () => {
    const decision = account.decide(withdraw('50000'), given(account, rich).when(withdraw('1')).state());
    expect(isRejection(decision) && decision.extensions).toEqual({ rule: 'large-amount' });
  });

  test('is checked before the funds: a large attempt on a poor account is still suspected fraud', () => {
    given(account, openedWith(accountId, '10'))
      .when(withdraw('20000'))
      .thenFails('fraud-suspected', [alert('large-amount', '20000')]);
  });
});

describe('velocity', () => {
  const now = after(3600);

  test('the sixth outgoing operation within 60 seconds is refused', () => {
    given(account, [...rich, ...recentWithdrawals(5, after(-1, now))])
      .when(withdraw('1', now))
      .thenFails('fraud-suspected', [alert('velocity', '1', now)]);
  });

  test('the fifth passes', () => {
    given(account, [...rich, ...recentWithdrawals(4, after(-1, now))])
      .when(withdraw('1', now))
      .then([withdrawn(accountId, '1', '99995', now)]);
  });

  test('an operation exactly 60 seconds ago has left the window', () => {
    const history = [...rich, ...recentWithdrawals(5, after(-56, now))]; // the oldest is 60 s before now
    given(account, history)
      .when(withdraw('1', now))
      .then([withdrawn(accountId, '1', '99994', now)]);
    given(account, history)
      .when(withdraw('1', after(-1, now)))
      .thenFails('fraud-suspected', [alert('velocity', '1', after(-1, now))]);
  });

  test('refused operations do not count: only accepted ones do', () => {
    const refused = [1, 2, 3, 4, 5].map((i) => alert('large-amount', '20000', after(-i, now), `a-${i}`));
    given(account, [...rich, ...recentWithdrawals(4, after(-1, now)), ...refused])
      .when(withdraw('1', now))
      .then([withdrawn(accountId, '1', '99995', now)]);
  });

  test('incoming transfers and deposits do not count', () => {
    const incoming = [1, 2, 3, 4, 5, 6].map((i) =>
      received(accountId, 'acc-2', '1', '100001', after(-i, now)),
    );
    const deposits = [1, 2, 3].map((i) => deposited(accountId, '1', '100001', after(-i, now)));
    given(account, [...rich, ...incoming, ...deposits])
      .when(withdraw('1', now))
      .then([withdrawn(accountId, '1', '100008', now)]);
  });

  test('outgoing transfers count, and are screened themselves', () => {
    const transfersOut = [1, 2, 3, 4, 5].map((i) => sent(accountId, 'acc-2', '1', '99999', after(-i, now)));
    given(account, [...rich, ...transfersOut])
      .when(withdraw('1', now))
      .thenFails('fraud-suspected', [alert('velocity', '1', now)]);
    given(account, [...rich, ...recentWithdrawals(5, after(-1, now))])
      .when(
        SendTransfer(
          {
            accountId,
            transactionId: 't-9:out',
            amount: 100n,
            transferId: 't-9',
            counterpartyAccountId: 'acc-2',
          },
          at(now),
        ),
      )
      .thenFails('fraud-suspected', [
        FraudAlertRaised({
          alertId: 't-9',
          accountId,
          rule: 'velocity',
          operation: 'transfer_out',
          amount: 100n,
          counterpartyAccountId: 'acc-2',
          at: now,
        }),
      ]);
  });
});

describe('daily-limit', () => {
  const morning = '2026-11-02T08:00:00.000Z';
  const spent19000 = [
    withdrawn(accountId, '9500', '90500', '2026-11-02T00:00:00.000Z', 'w-1'),
    withdrawn(accountId, '9500', '81000', morning, 'w-2'),
  ];

  test('accepting an operation that takes the UTC day above the limit is refused', () => {
    given(account, [...rich, ...spent19000])
      .when(withdraw('1000.01', '2026-11-02T23:59:59.999Z'))
      .thenFails('fraud-suspected', [alert('daily-limit', '1000.01', '2026-11-02T23:59:59.999Z')]);
  });

  test('reaching the limit exactly passes', () => {
    given(account, [...rich, ...spent19000])
      .when(withdraw('1000', T0))
      .then([withdrawn(accountId, '1000', '80000', T0)]);
  });

  test('the next UTC day starts from zero', () => {
    given(account, [...rich, ...spent19000])
      .when(withdraw('10000', '2026-11-03T00:00:00.000Z'))
      .then([withdrawn(accountId, '10000', '71000', '2026-11-03T00:00:00.000Z')]);
  });

  test('a refused operation does not count towards the day', () => {
    given(account, [...rich, ...spent19000, alert('daily-limit', '5000', morning, 'a-1')])
      .when(withdraw('1000', T0))
      .then([withdrawn(accountId, '1000', '80000', T0)]);
  });
});

describe('the rules are checked in order, and the first that applies is reported', () => {
  const now = after(3600);
  const busyAndSpent = [
    ...rich,
    ...recentWithdrawals(5, after(-1, now)).map((e) => ({
      ...e,
      data: { ...e.data, amount: money('4000') },
    })),
  ];

  test('large-amount before velocity', () => {
    given(account, busyAndSpent)
      .when(withdraw('10000.01', now))
      .thenFails('fraud-suspected', [alert('large-amount', '10000.01', now)]);
  });

  test('velocity before daily-limit', () => {
    given(account, busyAndSpent)
      .when(withdraw('5000', now))
      .thenFails('fraud-suspected', [alert('velocity', '5000', now)]);
  });
});

test('deposits are never refused by the fraud rules', () => {
  const now = after(3600);
  given(account, [...rich, ...recentWithdrawals(5, after(-1, now))])
    .when(Deposit({ accountId, transactionId: 'tx-d', amount: money('1000000000') }, at(now)))
    .then([deposited(accountId, '1000000000', '1000099995', now)]);
});

test('the limits are configuration, given to the decider', () => {
  const strict = accountDecider({
    largeAmount: money('50'),
    velocityMax: 1,
    velocityWindowS: 3600,
    dailyLimit: money('60'),
  });
  given(strict, rich)
    .when(withdraw('50.01'))
    .thenFails('fraud-suspected', [alert('large-amount', '50.01')]);
  given(strict, [...rich, withdrawn(accountId, '1', '99999', after(-3000))])
    .when(withdraw('1'))
    .thenFails('fraud-suspected', [alert('velocity', '1')]);
  given(strict, [...rich, withdrawn(accountId, '20', '99980', after(-3601))])
    .when(withdraw('40.01'))
    .thenFails('fraud-suspected', [alert('daily-limit', '40.01')]);
});

describe('FraudLimitsConfig parses configuration text, with the contract defaults', () => {
  test('defaults', () => {
    expect(FraudLimitsConfig.parse({})).toEqual(defaultFraudLimits);
    expect(defaultFraudLimits).toEqual({
      largeAmount: 1_000_000n,
      velocityMax: 5,
      velocityWindowS: 60,
      dailyLimit: 2_000_000n,
    });
  });

  test('values', () => {
    expect(
      FraudLimitsConfig.parse({
        largeAmount: '500',
        velocityMax: '3',
        velocityWindowS: '10',
        dailyLimit: '750.50',
      }),
    ).toEqual({ largeAmount: 50000n, velocityMax: 3, velocityWindowS: 10, dailyLimit: 75050n });
  });

  test('refuses nonsense', () => {
    expect(FraudLimitsConfig.safeParse({ velocityMax: '0' }).success).toBe(false);
    expect(FraudLimitsConfig.safeParse({ velocityWindowS: '1.5' }).success).toBe(false);
    expect(FraudLimitsConfig.safeParse({ largeAmount: '-1' }).success).toBe(false);
  });
});

describe('through the command handlers and the read model', () => {
  const openRich = (id: string) =>
    OpenAccount(
      {
        accountId: id,
        transactionId: `${id}-open`,
        customerId: 'alice',
        type: 'checking',
        initialDeposit: money('30000'),
        currency: 'USD',
      },
      at(T0),
    );

  test('a refusal fails with fraud-suspected and its rule, moves no money, and lists the alert', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(openRich('acc-1'));
      const error: unknown = await bank.commands
        .send(
          Withdraw({ accountId: 'acc-1', transactionId: 'tx-big', amount: money('15000') }, at(after(10))),
        )
        .catch((e: unknown) => e);
      expect(isDomainError(error) && [error.code, error.extensions]).toEqual([
        'fraud-suspected',
        { rule: 'large-amount' },
      ]);
      const { position } = await bank.commands.send(
        Withdraw({ accountId: 'acc-1', transactionId: 'tx-ok', amount: money('100') }, at(after(20))),
      );
      await bank.caughtUp(position);
      expect((await bank.queries.ask(GetAccount({ accountId: 'acc-1' }))).balance).toBe('29900.00');
      expect(await bank.queries.ask(ListFraudAlerts({ limit: 50 }))).toEqual({
        items: [
          {
            alertId: 'tx-big',
            accountId: 'acc-1',
            rule: 'large-amount',
            operation: 'withdrawal',
            amount: '15000.00',
            attemptedAt: after(10),
          },
        ],
      });
    } finally {
      await bank.stop();
    }
  });

  test('two concurrent withdrawals cannot both slip under the daily limit', async () => {
    const store = countingConflicts(new InMemoryEventStore());
    const handlers = accountCommandHandlers({
      store,
      fraud: defaultFraudLimits,
      retry: { attempts: 20, baseDelayMs: 1 },
    });
    await handlers.openAccount(openRich('acc-1'));
    const attempt = (i: number) =>
      handlers
        .withdraw(
          Withdraw({ accountId: 'acc-1', transactionId: `tx-${i}`, amount: money('8000') }, at(after(i))),
        )
        .then(
          () => 'accepted',
          (e: unknown) => (isDomainError(e) ? `${e.code}:${String(e.extensions.rule)}` : String(e)),
        );
    const outcomes = await Promise.all([1, 2, 3, 4].map(attempt));
    expect(store.conflicts()).toBeGreaterThan(0); // they did race, and lost to optimistic concurrency
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'fraud-suspected:daily-limit')).toHaveLength(2);
    const events = await store.readStream('bank.account-acc-1');
    expect(events.filter((e) => e.type === 'bank.MoneyWithdrawn.v1')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'bank.FraudAlertRaised.v1')).toHaveLength(2);
  });

  test('alerts list newest first, by account, up to the limit', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(openRich('acc-1'));
      await bank.commands.send(openRich('acc-2'));
      let position = 0n;
      for (const [i, id] of ['acc-1', 'acc-2', 'acc-1'].entries()) {
        await bank.commands
          .send(Withdraw({ accountId: id, transactionId: `big-${i}`, amount: money('12000') }, at(after(i))))
          .catch(() => undefined);
        position = await bank.store.readStream(`bank.account-${id}`).then((es) => es.at(-1)?.position ?? 0n);
      }
      await bank.caughtUp(position);
      const ids = async (data: { accountId?: string; limit: number }) =>
        (await bank.queries.ask(ListFraudAlerts(data))).items.map((a) => a.alertId);
      expect(await ids({ limit: 50 })).toEqual(['big-2', 'big-1', 'big-0']);
      expect(await ids({ accountId: 'acc-1', limit: 50 })).toEqual(['big-2', 'big-0']);
      expect(await ids({ limit: 1 })).toEqual(['big-2']);
      expect(await ids({ accountId: 'nobody', limit: 50 })).toEqual([]);
    } finally {
      await bank.stop();
    }
  });
});
