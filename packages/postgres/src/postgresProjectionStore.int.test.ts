import {
  ProjectionRunner,
  ValidationError,
  isTimeoutError,
  projection,
  type Projection,
  type RunnerNotice,
} from '@janus/core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PostgresEventStore } from './postgresEventStore.js';
import { PostgresProjectionStore } from './postgresProjectionStore.js';
import { randomInt, sleep } from './testing/childProcess.js';
import {
  Deposited,
  appendDeposits,
  counterDocuments,
  counterRows,
  counterTables,
  foldCounters,
  type Counter,
} from './testing/counterFixtures.js';
import { intercepted, type Hooks } from './testing/interceptedStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// The PostgreSQL read side under a real ProjectionRunner: catch-up with concurrent writers, poison events,
// rebuilds, waiting for a position, connections the server ends, long names. What every projection store
// guarantees by itself (checkpoints, fencing, the switch, skips, documents, SQL tables) is the conformance
// suite's: postgresProjectionStore.conformance.int.test.ts. One database for the file; every test gets
// schemas of its own.

let database: TestDatabase;
let schemas = 0;
const closers: (() => Promise<void>)[] = [];

interface Setup {
  readonly events: PostgresEventStore;
  readonly store: PostgresProjectionStore;
  readonly schema: string;
  /** Starts a runner on these stores (stopped after the test). */
  readonly runner: (
    projections: readonly Projection[],
    options?: { pollIntervalMs?: number; batchSize?: number; hooks?: Hooks; notices?: RunnerNotice[] },
  ) => Promise<ProjectionRunner>;
}

async function setup(): Promise<Setup> {
  const schema = `s${++schemas}`;
  const events = await PostgresEventStore.open(database.url, { schema, poolSize: 4 });
  const store = await PostgresProjectionStore.open(database.url, { schema, poolSize: 4 });
  closers.push(
    () => store.close(),
    () => events.close(),
  );
  return {
    events,
    store,
    schema,
    runner: async (projections, options = {}) => {
      const runner = new ProjectionRunner({
        log: events,
        store: options.hooks ? intercepted(store, options.hooks) : store,
        projections,
        batchSize: options.batchSize ?? 100,
        pollIntervalMs: options.pollIntervalMs ?? 50,
        retry: { initialDelayMs: 20, maxDelayMs: 80 },
        onNotice: (notice) => options.notices?.push(notice),
      });
      closers.unshift(() => runner.stop());
      await runner.start();
      return runner;
    },
  };
}

/** Polls `check` until it answers true (or a value), failing after `ms`. */
async function eventually<T>(
  check: () => Promise<T | false | undefined> | T | false | undefined,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await check();
    if (answer !== false && answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await sleep(20);
  }
}

/** Every document of a document projection's active generation, read through `get`. */
async function documents(store: PostgresProjectionStore, name: string, accounts: Iterable<string>) {
  const reader = store.documents<Counter>(name);
  const found = new Map<string, Counter>();
  for (const account of accounts) {
    const doc = await reader.get(account);
    if (doc) found.set(account, doc);
  }
  return found;
}

async function tableRows(store: PostgresProjectionStore, name: string) {
  const tx = store.sql(name);
  return tx.query(`SELECT * FROM ${await tx.table('counters')} ORDER BY account`);
}

async function totalEvents(store: PostgresProjectionStore, name: string) {
  const tx = store.sql(name);
  const [row] = await tx.query(`SELECT events FROM ${await tx.table('totals')}`);
  return row?.events;
}

/**
 * Hooks that slow a rebuild down (generations above 1) once `free` of its batches went through: each
 * further batch waits 150 ms, until `release`. The runner's loop still turns, so the active generation
 * keeps moving between the rebuild's batches, as it would beside a long rebuild.
 */
function slowRebuild(free: number) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const slowed = new Set<string>();
  const passed = new Map<string, number>();
  const hooks: Hooks = {
    async beforeBatch(p, generation) {
      if (generation === 1) return;
      const n = (passed.get(p.name) ?? 0) + 1;
      passed.set(p.name, n);
      if (n > free) {
        slowed.add(p.name);
        await Promise.race([released, sleep(150)]);
      }
    },
  };
  return { hooks, slowed, release };
}

const accountsOf = (n: number) => Array.from({ length: n }, (_, i) => `acc-${i}`);

describe.skipIf(skipPostgres)('PostgresProjectionStore under a ProjectionRunner', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_pg_projections');
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(async () => {
    await database.drop();
  });

  test('catching up while writers append concurrently applies every event exactly once', async () => {
    const { events, store, runner: start } = await setup();
    const docs = counterDocuments({ name: 'catchup.counters' });
    const tables = counterTables({ name: 'catchup.counter-tables' });
    await appendDeposits(events, 2_000, { accounts: 30 });
    const runner = await start([docs, tables], { batchSize: 70 });
    // Four writers, each a stream of small concurrent appends, while the runner catches up.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 15; i++) {
          await appendDeposits(events, randomInt(5, 60), { accounts: 30, perAppend: randomInt(1, 5) });
          await sleep(randomInt(0, 30));
        }
      }),
    );
    const head = await events.head();
    await runner.waitFor(head, { timeoutMs: 20_000 });

    const all = await events.readAll();
    const folded = foldCounters(all);
    expect([...folded.values()].every((c) => c.anomalies === 0)).toBe(true);
    expect(await documents(store, docs.name, folded.keys())).toEqual(folded);
    expect(await tableRows(store, tables.name)).toEqual(counterRows(folded));
    expect(await totalEvents(store, tables.name)).toBe(BigInt(all.filter((e) => Deposited.is(e)).length));
  });

  test('a poison event stops its projection with a status; retries go on; a recorded skip lets it continue', async () => {
    const { events, store, runner: start } = await setup();
    const POISON = -13;
    const docs = counterDocuments({ name: 'poison.counters', poison: POISON });
    const tables = counterTables({ name: 'poison.counter-tables', poison: POISON });
    // Fails twice at the poison event, then succeeds: a transient failure that retries get past.
    let flakes = 0;
    const flaky = projection({
      name: 'poison.flaky',
      version: 1,
      handles: [Deposited],
      id: () => 'all',
      apply: (doc: { n: number } | undefined, e) => {
        if (e.data.amount === POISON && flakes++ < 2) throw new Error('not yet');
        return { n: (doc?.n ?? 0) + 1 };
      },
    });
    await appendDeposits(events, 100, { accounts: 5 });
    const { position: poisoned } = await events.append('acc-poison', [
      Deposited({ account: 'acc-poison', amount: POISON }),
    ]);
    const head = await appendDeposits(events, 100, { accounts: 5 });
    const notices: RunnerNotice[] = [];
    const runner = await start([docs, tables, flaky], { batchSize: 30, notices });

    await runner.waitFor(head, { projections: [flaky.name], timeoutMs: 10_000 });
    expect(await store.documents(flaky).get('all')).toEqual({ n: 201 });
    expect(notices).toContainEqual({ kind: 'recovered', projection: flaky.name });

    // Stopped at the poison event, every event before it applied, and retried again and again.
    const stopped = await eventually(async () => {
      const status = await runner.status();
      const ofPoisoned = status.filter((s) => s.name !== flaky.name);
      return ofPoisoned.every((s) => s.state === 'stopped' && (s.failure?.attempts ?? 0) >= 3) && status;
    });
    for (const s of stopped.filter((x) => x.name !== flaky.name)) {
      expect(s.failure).toMatchObject({
        generation: 1,
        position: poisoned,
        eventType: Deposited.type,
        message: `refusing amount ${POISON}`,
      });
      const lastBefore = (await events.readAll())
        .filter((e) => Deposited.is(e) && e.position < poisoned)
        .at(-1)!.position;
      expect(s.position).toBeGreaterThanOrEqual(lastBefore);
      expect(s.position).toBeLessThan(poisoned);
      expect(s.lag).toBe(head - s.position);
    }
    const before = foldCounters((await events.readAll()).filter((e) => e.position < poisoned));
    expect(await documents(store, docs.name, accountsOf(5))).toEqual(before);
    expect(await tableRows(store, tables.name)).toEqual(counterRows(before));
    expect(notices.filter((n) => n.kind === 'failed' && n.projection === docs.name).length).toBeGreaterThan(
      1,
    );

    // A skip must name the event it is stopped at.
    await expect(runner.skip(docs.name, poisoned + 1n, 'wrong one')).rejects.toThrow(ValidationError);
    await runner.skip(docs.name, poisoned, 'refused by support ticket 42');
    await runner.skip(tables.name, poisoned, 'refused by support ticket 42');
    await runner.waitFor(head, { timeoutMs: 10_000 });

    const skips = await store.skips(docs.name);
    expect(skips).toEqual([
      expect.objectContaining({
        name: docs.name,
        version: 1,
        position: poisoned,
        reason: 'refused by support ticket 42',
      }),
    ]);
    expect(skips[0]?.eventId).toBe((await events.readStream('acc-poison'))[0]?.id);
    const after = foldCounters(await events.readAll(), { except: new Set([poisoned]) });
    expect(await documents(store, docs.name, [...accountsOf(5), 'acc-poison'])).toEqual(after);
    expect(await tableRows(store, tables.name)).toEqual(counterRows(after));
    expect((await runner.status()).map((s) => s.state)).toEqual(['running', 'running', 'running']);
  });

  test('a rebuild fills a new generation while queries answer from the old one, then switches and drops it', async () => {
    const { events, store, schema, runner: start } = await setup();
    const docs = counterDocuments({ name: 'rebuild.counters' });
    const tables = counterTables({ name: 'rebuild.counter-tables' });
    const head = await appendDeposits(events, 500, { accounts: 9 });

    const { hooks, slowed, release } = slowRebuild(2);
    const notices: RunnerNotice[] = [];
    const runner = await start([docs, tables], { hooks, notices, batchSize: 20 });
    await runner.waitFor(head, { timeoutMs: 10_000 });
    const before = foldCounters(await events.readAll());

    await runner.rebuild(docs.name);
    await runner.rebuild(tables.name);
    await eventually(() => slowed.size === 2);

    // Half-way: the new generation has some of the log, queries see all of it from the old one.
    for (const name of [docs.name, tables.name]) {
      const record = await store.record(name);
      expect(record).toMatchObject({ generation: 1, rebuild: { generation: 2 } });
      expect(record?.rebuild?.position).toBeGreaterThanOrEqual(40n);
      expect(record?.rebuild?.position).toBeLessThan(head);
      const [status] = (await runner.status()).filter((s) => s.name === name);
      expect(status?.state).toBe('rebuilding');
      expect(status?.rebuild).toMatchObject({ generation: 2, total: head });
    }
    expect(await documents(store, docs.name, accountsOf(9))).toEqual(before);
    expect(await tableRows(store, tables.name)).toEqual(counterRows(before));
    const generations = await store.pool.query<{ generation: number }>(
      `SELECT DISTINCT generation FROM "${schema}".projection_documents WHERE projection = $1 ORDER BY 1`,
      [docs.name],
    );
    expect(generations.rows.map((r) => r.generation)).toEqual([1, 2]);
    const regclass = async (generation: number) => {
      const { rows } = await store.pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
        `"${schema}"."rm_rebuild_counter_tables_g${generation}_counters"`,
      ]);
      return rows[0]?.t ?? null;
    };
    expect(await regclass(2)).not.toBeNull();

    // The old generation keeps following the log meanwhile.
    const later = await appendDeposits(events, 50, { accounts: 9 });
    await runner.waitFor(later, { timeoutMs: 10_000 });
    const now = foldCounters(await events.readAll());
    expect(await documents(store, docs.name, accountsOf(9))).toEqual(now);
    expect(await tableRows(store, tables.name)).toEqual(counterRows(now));

    release();
    for (const name of [docs.name, tables.name]) {
      await eventually(async () => {
        const record = await store.record(name);
        return record?.generation === 2 && record.rebuild === null;
      });
    }
    await runner.waitFor(later, { timeoutMs: 10_000 });
    expect(await documents(store, docs.name, accountsOf(9))).toEqual(now);
    expect(await tableRows(store, tables.name)).toEqual(counterRows(now));
    const left = await store.pool.query<{ generation: number }>(
      `SELECT DISTINCT generation FROM "${schema}".projection_documents WHERE projection = $1`,
      [docs.name],
    );
    expect(left.rows).toEqual([{ generation: 2 }]);
    expect(await regclass(1)).toBeNull();
    expect(notices.filter((n) => n.kind === 'rebuild-completed').map((n) => n.projection)).toEqual(
      expect.arrayContaining([docs.name, tables.name]),
    );
  });

  test('a new version rebuilds by itself; the old version answers, frozen, until the switch', async () => {
    const { events, store, runner: start } = await setup();
    const v1 = [counterDocuments({ name: 'bump.counters' }), counterTables({ name: 'bump.counter-tables' })];
    const head = await appendDeposits(events, 400, { accounts: 6 });
    const first = await start(v1);
    await first.waitFor(head, { timeoutMs: 10_000 });
    await first.stop();
    const before = foldCounters(await events.readAll());

    const { hooks, slowed, release } = slowRebuild(1);
    const v2 = [
      counterDocuments({ name: 'bump.counters', version: 2 }),
      counterTables({ name: 'bump.counter-tables', version: 2 }),
    ];
    await start(v2, { hooks, batchSize: 20 });
    await eventually(() => slowed.size === 2);
    await appendDeposits(events, 40, { accounts: 6 });
    await sleep(300);
    for (const p of v2) {
      // Still version 1 at its old position: the outdated generation does not move.
      expect(await store.record(p.name)).toMatchObject({ version: 1, generation: 1, position: head });
    }
    expect(await documents(store, 'bump.counters', accountsOf(6))).toEqual(before);
    expect(await tableRows(store, 'bump.counter-tables')).toEqual(counterRows(before));

    release();
    const newHead = await events.head();
    for (const p of v2) {
      await eventually(async () => {
        const record = await store.record(p.name);
        return record?.version === 2 && record.rebuild === null && record.position === newHead;
      });
    }
    const doubled = foldCounters(await events.readAll(), { factor: 2 });
    expect(await documents(store, 'bump.counters', accountsOf(6))).toEqual(doubled);
    expect(await tableRows(store, 'bump.counter-tables')).toEqual(counterRows(doubled));
  });

  test('waitFor wakes on progress, not on its poll, and times out with a TimeoutError', async () => {
    const { events, runner: start, schema } = await setup();
    const docs = counterDocuments({ name: 'wait.counters' });
    const runner = await start([docs], { pollIntervalMs: 5_000 });
    await runner.waitFor(0n);

    for (let i = 0; i < 3; i++) {
      const { position } = await events.append('acc-1', [Deposited({ account: 'acc-1', amount: 1 })]);
      const started = Date.now();
      await runner.waitFor(position, { timeoutMs: 4_000 });
      expect(Date.now() - started).toBeLessThan(1_000);
    }

    // A runner that runs nothing, over a store of its own, wakes on the other's progress (NOTIFY).
    const other = await PostgresProjectionStore.open(database.url, { schema, poolSize: 2 });
    closers.push(() => other.close());
    const waiter = new ProjectionRunner({
      log: events,
      store: other,
      projections: [docs],
      pollIntervalMs: 5_000,
    });
    for (let i = 0; i < 3; i++) {
      const next = (await events.head()) + 1n;
      const started = Date.now();
      const waiting = waiter.waitFor(next, { timeoutMs: 4_000 });
      await events.append('acc-2', [Deposited({ account: 'acc-2', amount: 1 })]);
      await waiting;
      expect(Date.now() - started).toBeLessThan(1_000);
    }

    const head = await events.head();
    const started = Date.now();
    const error: unknown = await runner.waitFor(head + 10n, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a first waitFor does not sleep through progress announced while its LISTEN connection was set up', async () => {
    const { events, runner: start, schema } = await setup();
    const docs = counterDocuments({ name: 'listen.counters' });
    const runner = await start([docs], { pollIntervalMs: 5_000 });
    await runner.waitFor(0n);
    // The waiter's first look answers what it read just before the progress committed, and the progress
    // was announced before its LISTEN connection was up: nobody hears that announcement.
    const fresh = await PostgresProjectionStore.open(database.url, { schema, poolSize: 2 });
    closers.push(() => fresh.close());
    const stale = await fresh.records();
    const { position } = await events.append('acc-2', [Deposited({ account: 'acc-2', amount: 1 })]);
    await runner.waitFor(position);
    let looks = 0;
    const late = new ProjectionRunner({
      log: events,
      store: intercepted(fresh, { records: (records) => (looks++ === 0 ? stale : records) }),
      projections: [docs],
      pollIntervalMs: 5_000,
    });
    const before = Date.now();
    await late.waitFor(position, { timeoutMs: 3_000 });
    expect(Date.now() - before).toBeLessThan(1_000);
  });

  test('connections the server ends crash nothing, and wake-ups from other processes come back', async () => {
    const { events, store, schema, runner: start } = await setup();
    const docs = counterDocuments({ name: 'restart.counters' });
    const runner = await start([docs], { pollIntervalMs: 5_000 });
    // Another process's writer and waiter: they reach the runner through NOTIFY only.
    const writer = await PostgresEventStore.open(database.url, { schema, poolSize: 2 });
    const otherStore = await PostgresProjectionStore.open(database.url, { schema, poolSize: 2 });
    closers.push(
      () => writer.close(),
      () => otherStore.close(),
    );
    const waiter = new ProjectionRunner({
      log: writer,
      store: otherStore,
      projections: [docs],
      pollIntervalMs: 5_000,
    });
    const appendAndWait = async () => {
      const { position } = await writer.append('acc-1', [Deposited({ account: 'acc-1', amount: 1 })]);
      const started = Date.now();
      await waiter.waitFor(position, { timeoutMs: 4_000 });
      return Date.now() - started;
    };
    expect(await appendAndWait()).toBeLessThan(1_000);

    // Every connection to this database ends at once: pools, LISTEN connections, as in a restart.
    const admin = await PostgresProjectionStore.open(database.url, { schema, poolSize: 1 });
    const { rowCount } = await admin.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await admin.close();
    expect(rowCount).toBeGreaterThanOrEqual(4);
    await sleep(1_500); // LISTEN comes back after a second

    for (let i = 0; i < 3; i++) expect(await appendAndWait()).toBeLessThan(1_000);
    const folded = foldCounters(await events.readAll());
    expect(await documents(store, docs.name, ['acc-1'])).toEqual(folded);
    expect((await runner.status())[0]?.state).toBe('running');
  });

  test('a projection with a long name (up to 100 characters) keeps its tables and generations apart', async () => {
    const { events, store, schema, runner: start } = await setup();
    const name = `long.${'x'.repeat(60)}`;
    const tables = counterTables({ name });
    const head = await appendDeposits(events, 100, { accounts: 4 });
    const runner = await start([tables]);
    await runner.waitFor(head, { timeoutMs: 10_000 });
    const folded = foldCounters(await events.readAll());
    expect(await tableRows(store, name)).toEqual(counterRows(folded));
    expect(await totalEvents(store, name)).toBe(100n);

    await runner.rebuild(name);
    await eventually(async () => {
      const record = await store.record(name);
      return record?.generation === 2 && record.rebuild === null;
    });
    expect(await tableRows(store, name)).toEqual(counterRows(folded));
    expect(await totalEvents(store, name)).toBe(100n);
    // Two tables of generation 2, none of generation 1: each name PostgreSQL's own, none cut.
    const { rows } = await store.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'rm_long%'`,
      [schema],
    );
    expect(rows).toHaveLength(2);
    const tx = store.sql(name);
    const names = [await tx.table('counters'), await tx.table('totals')];
    expect(rows.map((r) => `"${schema}"."${r.table_name}"`).sort()).toEqual(names.sort());
  });
});
