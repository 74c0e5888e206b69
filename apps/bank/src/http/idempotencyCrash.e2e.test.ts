// A keyed command whose process dies between "events committed" and "answer stored": after a restart, the
// retry with the same key gets the first answer (Idempotent-Replayed: true), with no new event and no
// fraud alert. The real dist/main.js, killed at each named fault point by the test-side hook.
import path from 'node:path';
import fs from 'node:fs';
import type { EventStore, GlobalLog, Closeable, RecordedEvent } from '@janus/core';
import { PostgresEventStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@janus/test-support/testDatabase';
import { startBankProcess, type BankProcess } from '../testing/bankProcess.js';
import { KEYS, caller, openAccount, temporaryDir, type Answer, type Call } from '../testing/bankServer.js';
import { bankService } from '../service.js';

const onPostgres = process.env.BANK_E2E_STORE === 'postgres';
/** Every point between "the keyed command's events committed" and "its answer stored". */
const FAULT_POINTS = ['idempotency.key-committed', 'idempotency.answer-unsaved'];

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

type Log = EventStore & GlobalLog & Closeable;

/** One bank's storage, kept across its restarts. */
async function storage(): Promise<{
  dataDir: string;
  databaseUrl: string | undefined;
  open: () => Promise<Log>;
}> {
  const dataDir = await temporaryDir('idem-crash');
  cleanups.push(() => fs.promises.rm(dataDir, { recursive: true, force: true }));
  const database: TestDatabase | undefined = onPostgres
    ? await createTestDatabase('janus_bank_idem_crash')
    : undefined;
  if (database) cleanups.push(() => database.drop());
  return {
    dataDir,
    databaseUrl: database?.url,
    open: () =>
      database
        ? PostgresEventStore.open(database.url, { poolSize: 2 })
        : SqliteEventStore.open(path.join(dataDir, bankService.env.sqliteFile), { mustExist: true }),
  };
}

/** The bank over `dataDir`, with a teller's and alice's keys; killing itself at `killAt` if given. */
async function bank(
  { dataDir, databaseUrl }: { dataDir: string; databaseUrl: string | undefined },
  variables: Record<string, string> = {},
  killAt?: string,
): Promise<BankProcess> {
  const service = await startBankProcess(dataDir, {
    databaseUrl,
    variables: { BANK_API_KEYS: `${KEYS.teller}=teller,${KEYS.alice}=customer:alice`, ...variables },
    ...(killAt === undefined ? {} : { killAt }),
  });
  cleanups.push(() => service.kill());
  return service;
}

interface Scenario {
  /** Prepares the bank (no key: the fault point does not fire) and answers the keyed request to crash. */
  readonly setup: (call: Call) => Promise<{ method: string; path: string; json: unknown }>;
  /** What the retry's answer must be, given the events the first request committed. */
  readonly expectFirstAnswer: (answer: Answer, committed: readonly RecordedEvent[]) => void;
  readonly env?: Record<string, string>;
}

/**
 * Crashes the keyed request at `point`, restarts without the fault, retries: the first answer, replayed,
 * and the log does not move.
 */
async function crashAndRetry(point: string, scenario: Scenario): Promise<void> {
  const place = await storage();
  const first = await bank(place, scenario.env, point);
  const request = await scenario.setup(caller(first.url));
  const log = await place.open();
  cleanups.push(() => log.close());
  const before = await log.head();
  const headers = { 'idempotency-key': `crash-${point}` };
  // The process dies before it answers.
  await expect(
    caller(first.url)(request.method, request.path, { json: request.json, headers }),
  ).rejects.toThrow();
  expect((await first.exited).signal).toBe('SIGKILL');

  const committed = await log.readAll({ after: before });
  expect(committed.length, 'the command committed before the crash').toBeGreaterThan(0);
  const second = await bank(place, scenario.env);
  const head = await log.head();
  const retry = await caller(second.url)(request.method, request.path, { json: request.json, headers });
  expect(retry.headers.get('idempotent-replayed'), retry.text).toBe('true');
  scenario.expectFirstAnswer(retry, committed);
  expect(await log.head(), 'the retry wrote nothing').toBe(head);
  // No alert but those the first run recorded.
  const alerts = (events: readonly RecordedEvent[]) =>
    events.filter((e) => e.type === 'bank.FraudAlertRaised.v1').length;
  expect(alerts(await log.readAll({ after: before }))).toBe(alerts(committed));
  // And once more, now from the stored answer.
  const again = await caller(second.url)(request.method, request.path, { json: request.json, headers });
  expect(again.status).toBe(retry.status);
  expect(again.body).toEqual(retry.body);
  expect(await log.head()).toBe(head);
  await second.kill();
}

const business = (events: readonly RecordedEvent[]) => events.filter((e) => e.type.startsWith('bank.'));
const dataOf = (events: readonly RecordedEvent[], type: string) =>
  business(events).find((e) => e.type === type)?.data as Record<string, unknown> | undefined;
const lastPosition = (events: readonly RecordedEvent[]) => Number(business(events).at(-1)?.position);

describe.each(FAULT_POINTS)('killed at %s', (point) => {
  test('a withdrawal of the whole balance answers 201 again, not insufficient-funds', async () => {
    await crashAndRetry(point, {
      setup: async (call) => {
        const { accountId } = await openAccount(call, { customerId: 'alice', initialDeposit: '100' });
        return { method: 'POST', path: `/accounts/${accountId}/withdrawals`, json: { amount: '100' } };
      },
      expectFirstAnswer: (answer, committed) => {
        expect(answer.status, answer.text).toBe(201);
        const withdrawn = dataOf(committed, 'bank.MoneyWithdrawn.v1');
        expect(answer.body).toEqual({
          transactionId: withdrawn?.transactionId,
          position: lastPosition(committed),
        });
      },
    });
  });

  test('an account opening answers the same account and Location, not account-exists', async () => {
    await crashAndRetry(point, {
      setup: () =>
        Promise.resolve({
          method: 'POST',
          path: '/accounts',
          json: { customerId: 'alice', type: 'checking', initialDeposit: '5' },
        }),
      expectFirstAnswer: (answer, committed) => {
        expect(answer.status, answer.text).toBe(201);
        const opened = dataOf(committed, 'bank.AccountOpened.v1');
        expect(answer.body).toEqual({ accountId: opened?.accountId, position: lastPosition(committed) });
        expect(answer.headers.get('location')).toBe(`/accounts/${String(opened?.accountId)}`);
      },
    });
  });

  test('a withdrawal that the velocity rule would refuse on a re-decision answers 201 again, no alert', async () => {
    await crashAndRetry(point, {
      env: { BANK_FRAUD_VELOCITY_MAX: '1' },
      setup: async (call) => {
        const { accountId } = await openAccount(call, { customerId: 'alice', initialDeposit: '100' });
        return { method: 'POST', path: `/accounts/${accountId}/withdrawals`, json: { amount: '10' } };
      },
      expectFirstAnswer: (answer, committed) => {
        expect(answer.status, answer.text).toBe(201);
        expect(answer.body.transactionId).toBe(dataOf(committed, 'bank.MoneyWithdrawn.v1')?.transactionId);
      },
    });
  });

  test('a fraud refusal that recorded its alert answers the same refusal again, with no second alert', async () => {
    await crashAndRetry(point, {
      env: { BANK_FRAUD_LARGE_AMOUNT: '50' },
      setup: async (call) => {
        const { accountId } = await openAccount(call, { customerId: 'alice', initialDeposit: '100' });
        return { method: 'POST', path: `/accounts/${accountId}/withdrawals`, json: { amount: '60' } };
      },
      expectFirstAnswer: (answer, committed) => {
        expect(answer.status, answer.text).toBe(422);
        expect(answer.body).toMatchObject({ type: '/problems/fraud-suspected', rule: 'large-amount' });
        expect(business(committed).map((e) => e.type)).toEqual(['bank.FraudAlertRaised.v1']);
      },
    });
  });

  test('a transfer refused as suspected fraud answers the same refusal again, with no second alert', async () => {
    await crashAndRetry(point, {
      env: { BANK_FRAUD_LARGE_AMOUNT: '50' },
      setup: async (call) => {
        const from = await openAccount(call, { customerId: 'alice', initialDeposit: '100' });
        const to = await openAccount(call, { customerId: 'bob' });
        return {
          method: 'POST',
          path: '/transfers',
          json: { fromAccountId: from.accountId, toAccountId: to.accountId, amount: '60' },
        };
      },
      expectFirstAnswer: (answer, committed) => {
        expect(answer.status, answer.text).toBe(422);
        expect(answer.body).toMatchObject({ type: '/problems/fraud-suspected', rule: 'large-amount' });
        expect(business(committed).map((e) => e.type)).toEqual(['bank.FraudAlertRaised.v1']);
      },
    });
  });

  test('a transfer answers the same transfer again', async () => {
    await crashAndRetry(point, {
      setup: async (call) => {
        const from = await openAccount(call, { customerId: 'alice', initialDeposit: '40' });
        const to = await openAccount(call, { customerId: 'bob' });
        return {
          method: 'POST',
          path: '/transfers',
          json: { fromAccountId: from.accountId, toAccountId: to.accountId, amount: '40' },
        };
      },
      expectFirstAnswer: (answer, committed) => {
        expect(answer.status, answer.text).toBe(201);
        expect(answer.body).toEqual({
          transferId: dataOf(committed, 'bank.TransferSent.v1')?.transferId,
          position: lastPosition(committed),
        });
      },
    });
  });
});
