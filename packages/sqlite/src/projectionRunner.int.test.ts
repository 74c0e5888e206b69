import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  CommandBus,
  ProjectionRunner,
  QueryBus,
  handleCommand,
  isTimeoutError,
  isValidationError,
  projection,
  query,
  readYourWrites,
  returns,
  type Projection,
  type ProjectionRunnerOptions,
  type RecordedEvent,
  type RunnerNotice,
} from '@janus/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';
import {
  ConfirmOrder,
  Deposited,
  Noted,
  OrderPlaced,
  Reserve,
  addDeposit,
  balanceDocuments,
  balanceTables,
  expectedBalances,
  fulfilment,
  orders,
  readBalances,
  stock,
  trusted,
  type Balance,
} from './testing/projectionFixtures.js';

// The ProjectionRunner on real SQLite files: catching up under concurrent writers, rebuilds, poison
// events, and waiting for a position. What every projection store guarantees by itself (documents, SQL
// tables, checkpoints, skips) is the conformance suite's: sqliteProjectionStore.conformance.int.test.ts.

const DOCS = 'test.balances';
const TABLES = 'test.balance-tables';

let dir: string;
let file: string;
let stores: SqliteEventStore[];
let runners: ProjectionRunner[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-runner-'));
  file = path.join(dir, 'store.db');
  stores = [];
  runners = [];
});

afterEach(async () => {
  for (const runner of runners) await runner.stop();
  for (const store of stores) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<SqliteEventStore> {
  const store = await SqliteEventStore.open(file);
  stores.push(store);
  return store;
}

function runner(
  store: SqliteEventStore,
  projections: readonly Projection[],
  options: Partial<ProjectionRunnerOptions> = {},
): ProjectionRunner {
  const created = new ProjectionRunner({
    log: store,
    store: store.projections,
    projections,
    batchSize: 50,
    pollIntervalMs: 20,
    ...options,
  });
  runners.push(created);
  return created;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Deposits on accounts acc-0 … acc-(accounts-1), in appends of `per` events to one account each. */
async function deposit(store: SqliteEventStore, count: number, accounts = 40, per = 5): Promise<void> {
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < count / per; i++) {
    const account = `acc-${(i * 7) % accounts}`;
    const events = Array.from({ length: per }, (_, j) => Deposited({ account, amount: 1 + ((i + j) % 50) }));
    appends.push(store.append(account, events));
  }
  await Promise.all(appends);
}

/** What the table of documents holds for one generation, read on a connection of its own. */
function storedDocuments(projectionName: string, generation: number): number {
  const db = new Sqlite(file, { readonly: true });
  try {
    return Number(
      db
        .prepare('SELECT count(*) FROM projection_documents WHERE projection = ? AND generation = ?')
        .pluck()
        .get(projectionName, generation),
    );
  } finally {
    db.close();
  }
}

const tablesLike = (store: SqliteEventStore, prefix: string) =>
  store.projections
    .sql(TABLES)
    .all("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ORDER BY name", `${prefix}%`)
    .map((r) => r.name);

const upTo = (log: readonly RecordedEvent[], position: bigint) => log.filter((e) => e.position <= position);

describe('catching up', () => {
  test('writers appending concurrently while it catches up: it ends at the head with every event applied exactly once', async () => {
    const store = await open();
    await deposit(store, 1_000);
    const r = runner(store, [balanceDocuments(), balanceTables()], { batchSize: 40 });
    await r.start();

    // 12 writers, each appending 60 times: to one account, to two at once, or an event nobody handles.
    const writers = Array.from({ length: 12 }, async (_, w) => {
      for (let i = 0; i < 60; i++) {
        const account = `acc-${(w * 13 + i) % 40}`;
        if (i % 10 === 3) {
          await store.append(`notes-${w}`, [Noted({ note: `${w}/${i}` })]);
        } else if (i % 10 === 7) {
          const other = `w-${w}`;
          await store.appendMany([
            { streamId: account, events: [Deposited({ account, amount: i })] },
            { streamId: other, events: [Deposited({ account: other, amount: w })] },
          ]);
        } else {
          await store.append(account, [
            Deposited({ account, amount: w + i }),
            Deposited({ account, amount: 1 }),
          ]);
        }
      }
    });
    await Promise.all(writers);
    const head = await store.head();
    await r.waitFor(head, { timeoutMs: 20_000 });

    const log = await store.readAll();
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(log));
    const status = await r.status();
    expect(status.map((s) => [s.name, s.position, s.lag, s.state])).toEqual([
      [DOCS, head, 0n, 'running'],
      [TABLES, head, 0n, 'running'],
    ]);
  });

  test('a long catch-up leaves the event loop free: timers fire and queries answer between its batches', async () => {
    const store = await open();
    await deposit(store, 4_000);
    const head = await store.head();
    const r = runner(store, [balanceDocuments()], { batchSize: 20 });
    const answeredAt: bigint[] = [];
    const timer = setInterval(() => {
      void (async () => {
        const position = (await store.projections.record(DOCS))?.position ?? 0n;
        if ((await store.projections.documents<Balance>(DOCS).get('acc-0')) !== undefined) {
          answeredAt.push(position);
        }
      })();
    }, 1);
    try {
      await r.start();
      await r.waitFor(head, { timeoutMs: 20_000 });
    } finally {
      clearInterval(timer);
    }
    // With a synchronous store every step of the runner settles as a microtask: unless it yields between
    // batches, no timer (nor any I/O, nor any query) runs until the whole catch-up is over.
    expect(answeredAt.filter((p) => p > 0n && p < head).length).toBeGreaterThan(0);
  });

  test('a workflow reaches the head when the log ends with events it does not handle (it used to spin on them)', async () => {
    const store = await open();
    const commands = new CommandBus()
      .register(Reserve, (c) => handleCommand(store, stock, `stock-${c.data.orderId}`, c))
      .register(ConfirmOrder, (c) => handleCommand(store, orders, `order-${c.data.orderId}`, c));
    await store.append('order-1', [OrderPlaced({ orderId: '1', lines: 2 })]);
    const r = runner(store, [], { workflows: [fulfilment], commands, pollIntervalMs: 5000 });
    await r.start();
    // The last event, OrderConfirmed, is one the workflow does not handle; so are the notes after it.
    await until(
      async () => (await store.readStream('order-1')).length,
      (n) => n === 2,
    );
    const { position } = await store.append('notes', [Noted({ note: 'a' }), Noted({ note: 'b' })]);
    await r.waitFor(position, { timeoutMs: 3000 });
    expect((await store.readAll({ after: position - 3n })).map((e) => e.type)).toEqual([
      'test.OrderConfirmed.v1',
      Noted.type,
      Noted.type,
    ]);
    expect(await store.projections.documents(fulfilment.state).get('1')).toEqual({
      lines: 2,
      reserved: 2,
      confirmRequested: true,
    });
  });
});

describe('rebuilds', () => {
  test('a rebuild gives the same read models; queries answer from the old generation until the switch, which drops it', async () => {
    const store = await open();
    await deposit(store, 2_000);
    const first = runner(store, [balanceDocuments(), balanceTables()], { batchSize: 200 });
    await first.start();
    await first.waitFor(await store.head());
    await first.stop();
    const incremental = await readBalances(store, DOCS, TABLES);
    expect(incremental).toEqual(expectedBalances(await store.readAll()));

    // Begun, not yet run: the new generation exists (empty), queries still read the old one.
    const notices: RunnerNotice[] = [];
    let stopped: Promise<void> | undefined;
    const second = runner(store, [balanceDocuments(), balanceTables()], {
      batchSize: 20,
      onNotice: (n) => {
        notices.push(n);
        if (notices.filter((x) => x.kind === 'rebuild-progress').length === 4) stopped ??= second.stop();
      },
    });
    await second.rebuild(DOCS);
    await second.rebuild(TABLES);
    expect(tablesLike(store, 'rm_test_balance_tables_g')).toEqual([
      'rm_test_balance_tables_g1_balances',
      'rm_test_balance_tables_g1_totals',
      'rm_test_balance_tables_g2_balances',
      'rm_test_balance_tables_g2_totals',
    ]);
    expect(await readBalances(store, DOCS, TABLES)).toEqual(incremental);

    // Part-way through (stopped after some progress), with appends meanwhile: queries answer from the
    // old generation, which keeps following the log.
    await deposit(store, 200, 40, 5);
    await second.start();
    await until(
      () => stopped !== undefined,
      (s) => s,
    );
    await stopped;
    const log = await store.readAll();
    const records = new Map((await store.projections.records()).map((r) => [r.name, r]));
    for (const name of [DOCS, TABLES]) {
      const rebuild = records.get(name)?.rebuild;
      expect(rebuild?.generation).toBe(2);
      expect(rebuild?.position).toBeGreaterThan(0n);
      expect(rebuild?.position).toBeLessThan(await store.head());
    }
    const position = records.get(DOCS)?.position ?? -1n;
    expect(records.get(TABLES)?.position).toBe(position);
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(upTo(log, position)));

    await second.start();
    await until(
      () => store.projections.records(),
      (all) => all.every((r) => r.generation === 2 && r.rebuild === null),
    );
    await second.waitFor(await store.head());
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(log));
    expect(storedDocuments(DOCS, 1)).toBe(0);
    expect(storedDocuments(DOCS, 2)).toBe(40);
    expect(tablesLike(store, 'rm_test_balance_tables_g')).toEqual([
      'rm_test_balance_tables_g2_balances',
      'rm_test_balance_tables_g2_totals',
    ]);
    expect(notices.filter((n) => n.kind === 'rebuild-completed')).toHaveLength(2);
  });

  test('a new version is rebuilt by itself; the old version answers, frozen, until the switch', async () => {
    const store = await open();
    await deposit(store, 1_000);
    const v1 = runner(store, [balanceDocuments(), balanceTables()], { batchSize: 200 });
    await v1.start();
    await v1.waitFor(await store.head());
    await v1.stop();
    const before = await readBalances(store, DOCS, TABLES);
    const frozenAt = (await store.projections.record(DOCS))?.position;

    // Version 2 marks its documents, so that it is clear which generation answers.
    const docsV2 = projection({
      name: DOCS,
      version: 2,
      handles: [Deposited],
      id: (e) => e.data.account,
      indexes: ['parity'],
      apply: (doc: (Balance & { v: number }) | undefined, e) => ({ ...addDeposit(doc, e), v: 2 }),
    });
    const notices: RunnerNotice[] = [];
    let stopped: Promise<void> | undefined;
    const v2 = runner(store, [docsV2, balanceTables({ version: 2 })], {
      batchSize: 20,
      onNotice: (n) => {
        notices.push(n);
        if (notices.filter((x) => x.kind === 'rebuild-progress').length === 4) stopped ??= v2.stop();
      },
    });
    await deposit(store, 100);
    await v2.start();
    await until(
      () => stopped !== undefined,
      (s) => s,
    );
    await stopped;
    expect(notices.filter((n) => n.kind === 'rebuild-started')).toHaveLength(2);
    const during = await store.projections.record(DOCS);
    expect(during).toMatchObject({ version: 1, generation: 1, position: frozenAt, rebuild: { version: 2 } });
    expect(await readBalances(store, DOCS, TABLES)).toEqual(before);

    await v2.start();
    await until(
      () => store.projections.records(),
      (all) => all.every((r) => r.version === 2 && r.rebuild === null),
    );
    await v2.waitFor(await store.head());
    const expected = expectedBalances(await store.readAll());
    const after = await readBalances(store, DOCS, TABLES);
    expect(after).toEqual({ ...expected, documents: expected.documents.map((d) => ({ ...d, v: 2 })) });
    expect(await store.projections.record(DOCS)).toMatchObject({ version: 2, generation: 2, rebuild: null });
    expect(storedDocuments(DOCS, 1)).toBe(0);
    expect(tablesLike(store, 'rm_test_balance_tables_g1')).toEqual([]);
  });
});

describe('a poison event', () => {
  test('stops only its projection, says where and why, is retried with growing back-off, and an explicit skip lets it go on', async () => {
    const store = await open();
    await store.append('acc-p', [Deposited({ account: 'acc-p', amount: 5 })]);
    const poison = await store.append('acc-p', [Deposited({ account: 'acc-p', amount: 666 })]);
    await store.append('acc-p', [Deposited({ account: 'acc-p', amount: 7 })]);
    await deposit(store, 100);
    const [poisonEvent] = await store.readAll({ after: poison.position - 1n, limit: 1 });

    const notices: (RunnerNotice & { at: number })[] = [];
    const r = runner(store, [balanceDocuments({ poison: 666 }), balanceTables()], {
      retry: { initialDelayMs: 25, maxDelayMs: 100 },
      onNotice: (n) => notices.push({ ...n, at: Date.now() }),
    });
    await r.start();
    // The other projection is not held up.
    await r.waitFor(await store.head(), { projections: [TABLES], timeoutMs: 5000 });
    const stopped = await until(
      async () => (await r.status()).find((s) => s.name === DOCS),
      (s) => (s?.failure?.attempts ?? 0) >= 5,
    );
    expect(stopped).toMatchObject({ name: DOCS, state: 'stopped', position: poison.position - 1n });
    expect(stopped?.failure).toMatchObject({
      generation: 1,
      position: poison.position,
      eventId: poisonEvent?.id,
      eventType: Deposited.type,
      message: 'refusing amount 666',
    });
    const failures = notices.filter((n) => n.kind === 'failed');
    expect(failures.slice(0, 5).map((n) => n.failure.attempts)).toEqual([1, 2, 3, 4, 5]);
    // Back-off: 25, 50, 100, 100 ms between attempts (never sooner; a few ms of timer slack allowed).
    const gaps = failures.slice(0, 5).flatMap((n, i, all) => (i === 0 ? [] : [n.at - (all[i - 1]?.at ?? 0)]));
    for (const [i, delay] of [25, 50, 100, 100].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(delay - 3);
    expect(await store.projections.documents<Balance>(DOCS).get('acc-p')).toMatchObject({ balance: 5 });
    const timeout: unknown = await r.waitFor(await store.head(), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(isTimeoutError(timeout)).toBe(true);

    // Skips are explicit: the wrong position, or a projection that is not stopped, is refused.
    const wrong: unknown = await r.skip(DOCS, poison.position + 1n, 'wrong').catch((e: unknown) => e);
    expect(isValidationError(wrong)).toBe(true);
    const running: unknown = await r.skip(TABLES, poison.position, 'not stopped').catch((e: unknown) => e);
    expect(isValidationError(running)).toBe(true);
    expect(await store.projections.skips(DOCS)).toEqual([]);

    await r.skip(DOCS, poison.position, 'refunded by hand, ticket 42');
    await r.waitFor(await store.head(), { timeoutMs: 5000 });
    expect(await store.projections.skips(DOCS)).toMatchObject([
      {
        name: DOCS,
        version: 1,
        position: poison.position,
        eventId: poisonEvent?.id,
        reason: 'refunded by hand, ticket 42',
      },
    ]);
    // The skipped event left its mark: a stream version the document never saw.
    expect(await store.projections.documents<Balance>(DOCS).get('acc-p')).toMatchObject({
      balance: 12,
      deposits: 2,
      anomalies: 1,
    });
    expect((await r.status()).map((s) => [s.name, s.state, s.failure])).toEqual([
      [DOCS, 'running', null],
      [TABLES, 'running', null],
    ]);

    // A rebuild of the same version honours the recorded skip.
    const before = await readBalances(store, DOCS, TABLES);
    await r.rebuild(DOCS);
    await until(
      () => store.projections.record(DOCS),
      (record) => record?.generation === 2 && record.rebuild === null,
    );
    expect((await store.projections.record(DOCS))?.failure).toBeNull();
    expect(await readBalances(store, DOCS, TABLES)).toEqual(before);
  });
});

describe('waiting for a position', () => {
  test('waitFor resolves promptly after an append (woken by it, not by the 5 s poll) and rejects with TimeoutError', async () => {
    const store = await open();
    await deposit(store, 50);
    const r = runner(store, [balanceDocuments(), balanceTables()], { pollIntervalMs: 5000 });
    await r.start();
    await r.waitFor(await store.head(), { timeoutMs: 2000 });
    await sleep(50); // every loop is now asleep, for 5 s unless woken

    const started = Date.now();
    const { position } = await store.append('new', [Deposited({ account: 'new', amount: 1000 })]);
    await r.waitFor(position, { timeoutMs: 4000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await store.projections.documents<Balance>(DOCS).get('new')).toMatchObject({ balance: 1000 });

    const waited = Date.now();
    const error: unknown = await r.waitFor(position + 10n, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(145);
  });

  test('readYourWrites on a query bus answers with the write whose position it names', async () => {
    const store = await open();
    const r = runner(store, [balanceDocuments()], { pollIntervalMs: 5000 });
    const GetBalance = query(
      'test.GetBalance',
      trusted<{ account: string }>(),
      returns<number | undefined>(),
    );
    const queries = new QueryBus()
      .use(readYourWrites(r))
      .register(
        GetBalance,
        async (q) => (await store.projections.documents<Balance>(DOCS).get(q.data.account))?.balance,
      );
    await r.start();
    await sleep(50);
    for (let i = 1; i <= 5; i++) {
      const { position } = await store.append('acc-1', [Deposited({ account: 'acc-1', amount: 10 })]);
      const started = Date.now();
      expect(
        await queries.ask(GetBalance({ account: 'acc-1' }), { context: { minPosition: position } }),
      ).toBe(10 * i);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    const error: unknown = await queries
      .ask(GetBalance({ account: 'acc-1' }), { context: { minPosition: 1000n, maxWaitMs: 100 } })
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });
});
