// The real service on PostgreSQL (`node apps/bank/dist/main.js`) while every backend of its database is
// terminated, again and again, under concurrent deposits and transfers: it used to exit on an unhandled
// 'error' event (57P01) of a connection it held, after answering 500s. Now it stays up, a request whose
// transaction died answers 503 `unavailable` (Retry-After), nothing acknowledged is lost, nothing refused
// was done, and the read models and projections carry on by themselves. And while its database cannot
// be reached at all (behind a proxy taken down), /ready and every request answer 503 until it is back.
import fs from 'node:fs';
import { formatMoney, money } from '@janus/money';
import { PostgresEventStore } from '@janus/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createTestDatabase,
  skipPostgres,
  testServerUrl,
  type TestDatabase,
} from '@janus/test-support/testDatabase';
import { tcpProxy, type TcpProxy } from '@janus/test-support/tcpProxy';
import type { AccountView } from '../accounts/accountsView.js';
import type { TransactionItem } from '../history/transactionHistory.js';
import { killChildren, startBankProcess, type BankProcess } from '../testing/bankProcess.js';
import {
  accountHistory,
  after,
  caller,
  sumOfAmounts,
  temporaryDir,
  type Answer,
} from '../testing/bankServer.js';

const ACCOUNTS = 5;
const CLIENTS = 6;
const TERMINATIONS = 5;
const OPENING = 1_000_000n; // cents, per account: far above what the transfers move

let database: TestDatabase;
let admin: pg.Client;
let dataDir: string;
let service: BankProcess;
/** For the second service: its database behind a proxy that can be taken down. */
let unreachable: TestDatabase;
let proxy: TcpProxy;
let otherDir: string;

/** Terminates every backend of the bank's database (its pool, its LISTEN connections); answers how many. */
async function terminateEveryBackend(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database.name],
  );
  return rows[0]?.n ?? 0;
}

describe.skipIf(skipPostgres)('the bank when PostgreSQL connections are terminated or cannot be made', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_bank_terminated');
    admin = new pg.Client({ connectionString: testServerUrl });
    await admin.connect();
    dataDir = await temporaryDir('terminated');
    service = await startBankProcess(dataDir, {
      databaseUrl: database.url,
      variables: {
        // Transfers are outgoing operations: the fraud rules must not refuse any of them here.
        BANK_FRAUD_VELOCITY_MAX: '1000000',
        BANK_FRAUD_DAILY_LIMIT: '1000000000.00',
      },
    });
    unreachable = await createTestDatabase('janus_bank_unreachable');
    proxy = await tcpProxy(unreachable.url);
    otherDir = await temporaryDir('unreachable');
  });
  afterAll(async () => {
    killChildren();
    await admin.end();
    await proxy.close();
    await Promise.all([database.drop(), unreachable.drop()]);
    await fs.promises.rm(dataDir, { recursive: true, force: true });
    await fs.promises.rm(otherDir, { recursive: true, force: true });
  });

  test('the service stays up, failures are 503 unavailable, money is conserved, read models equal the events', async () => {
    const call = caller(service.url, service.keys);
    let exited: string | undefined;
    void service.exited.then(({ code, signal }) => {
      exited = `the service exited (${code ?? signal}): ${service.stderr()}`;
    });

    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const opened = await call('POST', '/accounts', {
        json: { customerId: 'load', type: 'checking', initialDeposit: formatMoney(OPENING) },
      });
      expect(opened.status, opened.text).toBe(201);
      accounts.push(opened.body.accountId as string);
    }

    // What the clients were told: every 201 is money that moved, every 503 money that did not.
    const expected = new Map(accounts.map((id) => [id, OPENING]));
    const deposits = new Set<string>();
    const transfers = new Set<string>();
    const refusals: Answer[] = [];
    let acknowledged = 0;
    let lastPosition = 0;
    let stop = false;
    const stopped = () => stop; // read through a call: it changes while the clients await

    const client = async (n: number) => {
      for (let i = 0; !stopped() && exited === undefined; i += 1) {
        const from = accounts[(n + i) % ACCOUNTS] ?? '';
        const to = accounts[(n + i + 1 + (i % (ACCOUNTS - 1))) % ACCOUNTS] ?? '';
        const cents = BigInt(1 + ((n * 7919 + i * 104_729) % 5000));
        const isTransfer = i % 2 === 1;
        const sent = isTransfer
          ? call('POST', '/transfers', {
              json: { fromAccountId: from, toAccountId: to, amount: formatMoney(cents) },
            })
          : call('POST', `/accounts/${from}/deposits`, { json: { amount: formatMoney(cents) } });
        // No answer at all: the process died (the assertions on `exited` below tell how).
        const answer = await sent.catch(() => undefined);
        if (!answer) {
          await service.exited;
          return;
        }
        if (answer.status !== 201) {
          refusals.push(answer);
          continue;
        }
        acknowledged += 1;
        lastPosition = Math.max(lastPosition, answer.body.position as number);
        expected.set(from, (expected.get(from) ?? 0n) + (isTransfer ? -cents : cents));
        if (isTransfer) {
          expected.set(to, (expected.get(to) ?? 0n) + cents);
          transfers.add(answer.body.transferId as string);
        } else {
          deposits.add(answer.body.transactionId as string);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));

    // Each round: the service has served requests since the last termination, then every backend goes.
    const waitForAcknowledged = async (count: number) => {
      const deadline = Date.now() + 5000;
      while (acknowledged < count && exited === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(exited).toBeUndefined();
      expect(acknowledged, 'the service serves requests again after a termination').toBeGreaterThanOrEqual(
        count,
      );
    };
    const terminated: number[] = [];
    for (let round = 0; round < TERMINATIONS; round += 1) {
      await waitForAcknowledged(acknowledged + 30);
      terminated.push(await terminateEveryBackend());
    }
    await waitForAcknowledged(acknowledged + 30);
    stop = true;
    await Promise.all(clients);
    expect(exited).toBeUndefined();
    expect(
      terminated.every((n) => n > 0),
      `backends terminated per round: ${terminated.join(', ')}`,
    ).toBe(true);
    console.log(
      `${acknowledged} commands acknowledged, ${refusals.length} refused, backends terminated: ${terminated.join(', ')}`,
    );

    // Every refusal: 503 problem+json `unavailable`, with Retry-After.
    for (const answer of refusals) {
      expect(answer.status, answer.text).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ type: '/problems/unavailable', status: 503 });
      expect(answer.headers.get('retry-after')).toMatch(/^[0-9]+$/);
    }

    // A final request succeeds, and the service is ready: every projection runs.
    const marker = await call('POST', `/accounts/${accounts[0]}/deposits`, { json: { amount: '0.01' } });
    expect(marker.status, marker.text).toBe(201);
    expected.set(accounts[0] ?? '', (expected.get(accounts[0] ?? '') ?? 0n) + 1n);
    deposits.add(marker.body.transactionId as string);
    lastPosition = Math.max(lastPosition, marker.body.position as number);
    expect((await call('GET', '/ready')).status).toBe(200);

    // The read models, once they reached the last acknowledged position: each balance is what the
    // acknowledged commands make it (nothing acknowledged lost, nothing refused done), and money is
    // conserved: the balances sum to the opening deposits plus the acknowledged deposits.
    const headers = after(lastPosition);
    let total = 0n;
    const histories = new Map<string, TransactionItem[]>();
    for (const accountId of accounts) {
      const view = (await call('GET', `/accounts/${accountId}`, { headers })).body as unknown as AccountView;
      expect(view.balance, accountId).toBe(formatMoney(expected.get(accountId) ?? 0n));
      total += money(view.balance);
      const items = await accountHistory(call, accountId, headers);
      histories.set(accountId, items);
      expect(formatMoney(sumOfAmounts(items))).toBe(view.balance);
    }
    const depositedCents = [...expected.values()].reduce((a, b) => a + b, 0n);
    expect(total).toBe(depositedCents);
    const items = [...histories.values()].flat();
    expect(items.filter((i) => i.kind === 'deposit').length).toBe(deposits.size);
    expect(new Set(items.filter((i) => i.kind === 'deposit').map((i) => i.transactionId))).toEqual(deposits);
    const legs = items.filter((i) => i.kind === 'transfer_in' || i.kind === 'transfer_out');
    expect(legs.length).toBe(2 * transfers.size);
    expect(new Set(legs.map((i) => i.transferId))).toEqual(transfers);

    // The read models equal the events: each account's history holds exactly its stream's money events.
    const store = await PostgresEventStore.open(database.url, { poolSize: 2 });
    try {
      for (const accountId of accounts) {
        const events = await store.readStream(`bank.account-${accountId}`);
        const fromEvents = events
          .filter((e) => e.type !== 'bank.AccountOpened.v1')
          .map((e) => (e.data as { transactionId: string }).transactionId)
          .sort();
        expect((histories.get(accountId) ?? []).map((i) => i.transactionId).sort()).toEqual(fromEvents);
      }
    } finally {
      await store.close();
    }

    // No projection recorded a lost connection as a failure of its own.
    const reader = new pg.Client({ connectionString: database.url });
    await reader.connect();
    const { rows } = await reader
      .query<{ name: string; failure: unknown }>('SELECT name, failure FROM janus.projections ORDER BY name')
      .finally(() => reader.end());
    expect(rows.map((r) => [r.name, r.failure])).toEqual([
      ['bank.accounts', null],
      ['bank.fraud-alerts', null],
      ['bank.transactions', null],
    ]);
  });

  test('while the database cannot be reached: /ready and every request answer 503, and all is well once it is back', async () => {
    const bank = await startBankProcess(otherDir, { databaseUrl: proxy.url });
    const call = caller(bank.url, bank.keys);
    const opened = await call('POST', '/accounts', {
      json: { customerId: 'down', type: 'checking', initialDeposit: '10.00' },
    });
    expect(opened.status, opened.text).toBe(201);
    const accountId = opened.body.accountId as string;
    expect((await call('GET', '/ready')).status).toBe(200);

    proxy.setDown(true);
    // /ready's outcome is reused for a second (a flood of probes must not load the database): it turns
    // 503 within that second.
    const downBy = Date.now() + 10_000;
    while ((await call('GET', '/ready')).status !== 503 && Date.now() < downBy) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await call('GET', '/ready')).status).toBe(503);
    for (const answer of [
      await call('POST', `/accounts/${accountId}/deposits`, { json: { amount: '1.00' } }),
      await call('GET', `/accounts/${accountId}`),
      await call('GET', `/accounts/${accountId}/transactions`),
    ]) {
      expect(answer.status, answer.text).toBe(503);
      expect(answer.body).toMatchObject({ type: '/problems/unavailable', status: 503 });
      expect(answer.headers.get('retry-after')).toMatch(/^[0-9]+$/);
      expect(answer.text).not.toMatch(/ECONN|terminated|postgres/i);
    }

    proxy.setDown(false);
    const deadline = Date.now() + 10_000;
    while ((await call('GET', '/ready')).status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await call('GET', '/ready')).status).toBe(200);
    const deposited = await call('POST', `/accounts/${accountId}/deposits`, { json: { amount: '1.00' } });
    expect(deposited.status, deposited.text).toBe(201);
    const view = await call('GET', `/accounts/${accountId}`, {
      headers: after(deposited.body.position as number),
    });
    // The deposit refused while the database was away did nothing.
    expect(view.body).toMatchObject({ balance: '11.00' });
    expect(bank.child.exitCode).toBeNull();
  });
});
