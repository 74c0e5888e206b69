import {
  ProjectionRunner,
  isStoreUnavailableError,
  projection,
  type RunnerNotice,
  type StoreUnavailableError,
} from '@janus/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { quoteIdentifier } from './pool.js';
import { PostgresEventStore } from './postgresEventStore.js';
import { PostgresLeases } from './postgresLeases.js';
import {
  Deposited,
  addDeposit,
  appendDeposits,
  counterDocuments,
  foldCounters,
  type Counter,
} from './testing/counterFixtures.js';
import { tcpProxy, type TcpProxy } from '@janus/test-support/tcpProxy';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// Connections that the server terminates (pg_terminate_backend: what a restart, a fail-over or an operator
// does) or that break, while the stores hold them: at points of the protocol chosen from the test side (a
// lock held here that the store's statement waits for, a proxy that cuts a connection where the server
// answers), never at a moment guessed. Each time: no unhandled 'error' event (it used to end the process),
// the typed error or the right answer, and recovery by itself. Vitest fails the file on an unhandled error.

let database: TestDatabase;
/** A session of the test's own in the test database: it holds the locks the stores wait for. */
let admin: pg.Client;
let schemas = 0;
const closing: (() => Promise<void>)[] = [];

const deposit = (account: string, amount = 1) => Deposited({ account, amount });

/** The server process of a connection of the stores, as pg_stat_activity shows it. */
interface Backend {
  readonly pid: number;
  /** The local port of that connection's socket, as the server sees it (a proxy's, behind a proxy). */
  readonly client_port: number;
}

/** Waits (bounded) until the server shows a state; answers what it showed. */
async function until<T>(what: string, look: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const seen = await look();
    if (seen !== undefined) return seen;
    if (Date.now() > deadline) throw new Error(`the server never showed ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The store's connection that waits for a lock the test holds: the statement is in flight, held there. */
const waitingForLock = () =>
  until('a connection waiting for a lock', async () => {
    const { rows } = await admin.query<Backend>(
      `SELECT pid, client_port FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    return rows[0];
  });

const terminate = async (pid: number) => {
  const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
  expect(rows[0]?.ok).toBe(true);
};

/** The append lock of a schema's event store, held by the test's session: every append batch waits. */
async function holdAppendLock(schema: string): Promise<() => Promise<void>> {
  const key = `janus.append:${schema}`;
  await admin.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
  return async () => {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
  };
}

/** A projection's checkpoint row, locked by the test's session: its next transaction waits. */
async function lockCheckpoint(schema: string, name: string): Promise<() => Promise<void>> {
  await admin.query('BEGIN');
  await admin.query(`SELECT 1 FROM ${quoteIdentifier(schema)}.projections WHERE name = $1 FOR UPDATE`, [
    name,
  ]);
  return async () => {
    await admin.query('ROLLBACK');
  };
}

async function openStore(
  url: string,
  options: Parameters<typeof PostgresEventStore.open>[1] = {},
): Promise<{ store: PostgresEventStore; schema: string }> {
  const schema = `terminated_${++schemas}`;
  const store = await PostgresEventStore.open(url, { schema, ...options });
  closing.push(() => store.close());
  return { store, schema };
}

async function openProxy(): Promise<TcpProxy> {
  const proxy = await tcpProxy(database.url);
  closing.push(() => proxy.close());
  return proxy;
}

const rejection = async (pending: Promise<unknown>): Promise<StoreUnavailableError> => {
  const error = await pending.then(
    () => new Error('it succeeded'),
    (e: unknown) => e,
  );
  if (!isStoreUnavailableError(error))
    throw new Error(`expected StoreUnavailableError, got ${String(error)}`);
  return error;
};

/** A projection applied in each append's transaction: the account's counter. */
const inlineCounters = projection({
  name: 'inline.counters',
  version: 1,
  lifecycle: 'inline',
  handles: [Deposited],
  id: (e) => e.data.account,
  apply: (doc: Counter | undefined, e) => addDeposit(doc, e),
});

describe.skipIf(skipPostgres)('PostgreSQL connections terminated or lost while held', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_pg_terminated');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  test('an append batch terminated in flight: StoreUnavailableError, nothing written, and the next batch commits', async () => {
    const { store, schema } = await openStore(database.url);
    const unlock = await holdAppendLock(schema);
    const first = store.append('a', [deposit('a')]);
    const batch = await waitingForLock();
    const next = store.append('b', [deposit('b')]); // forms the next batch meanwhile
    await terminate(batch.pid);

    const error = await rejection(first);
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toMatch(/nothing was written/);
    await unlock();
    expect(await next).toMatchObject({ streamId: 'b', version: 1 });
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['b']);
    expect(await store.append('a', [deposit('a')], { expectedVersion: 'no_stream' })).toMatchObject({
      version: 1,
    });
  });

  test('an append batch that committed but whose answer was lost: its callers get their results', async () => {
    const proxy = await openProxy();
    const { store, schema } = await openStore(proxy.url);
    const unlock = await holdAppendLock(schema);
    const events = [deposit('a', 1), deposit('a', 2)];
    const appended = store.appendMany([{ streamId: 'a', events, expectedVersion: 'no_stream' }]);
    const batch = await waitingForLock();
    proxy.cutAtNextAnswer({ upstreamPort: batch.client_port });
    await unlock();
    await proxy.cut();

    const result = await appended;
    const stored = await store.readStream('a');
    expect(stored.map((e) => e.data)).toEqual(events.map((e) => e.data));
    expect(result).toEqual({
      streams: [{ streamId: 'a', version: 2, position: stored[1]?.position }],
      position: stored[1]?.position,
    });
    // Group commit carries on.
    expect(await store.append('a', [deposit('a')], { expectedVersion: 2 })).toMatchObject({ version: 3 });
  });

  test('a lost commit whose outcome the database cannot be reached to find: StoreUnavailableError, outcome unknown', async () => {
    const proxy = await openProxy();
    const { store, schema } = await openStore(proxy.url);
    const unlock = await holdAppendLock(schema);
    const appended = store.append('a', [deposit('a')]);
    const batch = await waitingForLock();
    proxy.cutAtNextAnswer({ upstreamPort: batch.client_port, thenDown: true });
    await unlock();

    const error = await rejection(appended);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/the outcome is unknown/);
    // Unreachable: reads and appends are StoreUnavailableError, and an append that was never sent did
    // nothing, for sure.
    expect((await rejection(store.readStream('a'))).outcomeUnknown).toBe(false);
    expect((await rejection(store.append('b', [deposit('b')]))).outcomeUnknown).toBe(false);

    proxy.setDown(false);
    // It had committed (the server answered): "unknown" was the honest answer.
    expect((await store.readStream('a')).length).toBe(1);
    expect((await store.readStream('b')).length).toBe(0);
    expect(await store.append('b', [deposit('b')])).toMatchObject({ version: 1 });
  });

  test('an append with inline projections terminated mid-transaction: nothing of it commits, then it works again', async () => {
    const { store, schema } = await openStore(database.url, { inlineProjections: [inlineCounters] });
    const release = await lockCheckpoint(schema, inlineCounters.name);
    const appended = store.append('a', [deposit('a', 5)]);
    const transaction = await waitingForLock(); // its append is written, its read model waits
    await terminate(transaction.pid);

    expect((await rejection(appended)).outcomeUnknown).toBe(false);
    await release();
    expect(await store.readAll()).toEqual([]);
    expect(await store.projections.documents<Counter>(inlineCounters).get('a')).toBeUndefined();
    await store.append('a', [deposit('a', 7)]);
    expect(await store.projections.documents<Counter>(inlineCounters).get('a')).toMatchObject({
      count: 1,
      sum: 7,
    });
  });

  test('an append with inline projections whose COMMIT answer was lost: found committed, with its read model', async () => {
    const proxy = await openProxy();
    const { store } = await openStore(proxy.url, { inlineProjections: [inlineCounters] });
    proxy.cutAtNextAnswer({ afterClientSends: 'COMMIT\0' });
    const appended = store.append('a', [deposit('a', 5)]);
    await proxy.cut();

    const [event] = await store.readStream('a');
    expect(await appended).toEqual({ streamId: 'a', version: 1, position: event?.position });
    expect(await store.projections.documents<Counter>(inlineCounters).get('a')).toMatchObject({
      count: 1,
      sum: 5,
    });
  });

  test('a projection transaction terminated: no failure recorded, the runner retries and applies every event once', async () => {
    const { store, schema } = await openStore(database.url, { poolSize: 4 });
    const counters = counterDocuments({ name: 'terminated.counters' });
    const notices: RunnerNotice[] = [];
    const runner = new ProjectionRunner({
      log: store,
      store: store.projections,
      projections: [counters],
      pollIntervalMs: 50,
      retry: { initialDelayMs: 10, maxDelayMs: 100 },
      onNotice: (notice) => notices.push(notice),
    });
    await runner.start();
    closing.push(() => runner.stop());
    await runner.waitFor(await appendDeposits(store, 100, { accounts: 5 }));

    const release = await lockCheckpoint(schema, counters.name);
    const head = await appendDeposits(store, 100, { accounts: 5 });
    const batch = await waitingForLock(); // the runner's transaction, its batch read
    await terminate(batch.pid);
    await until('the runner trying again', () =>
      Promise.resolve(notices.some((n) => n.kind === 'error') ? true : undefined),
    );
    await release();
    await runner.waitFor(head, { timeoutMs: 10_000 });

    const errors = notices.flatMap((n) => (n.kind === 'error' ? [n.error] : []));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(isStoreUnavailableError)).toBe(true);
    expect(notices.filter((n) => n.kind === 'failed')).toEqual([]);
    expect((await store.projections.record(counters.name))?.failure).toBeNull();
    const expected = foldCounters(await store.readAll());
    for (const [account, counter] of expected) {
      expect(await store.projections.documents<Counter>(counters).get(account)).toEqual(counter);
    }
  });

  test('a lease whose connection is terminated: no longer claimed, then taken again on a new connection', async () => {
    const leases = new PostgresLeases(database.url, { checkIntervalMs: 50 });
    closing.push(() => leases.releaseAll());
    const holder = async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()
            AND l.pid <> pg_backend_pid()`,
      );
      return rows[0]?.pid;
    };
    expect(await leases.hold('p')).toBe(true);
    const first = await holder();
    await terminate(first ?? 0);
    await until('the lease noticing', () => Promise.resolve(leases.held().length === 0 ? true : undefined));

    expect(await leases.hold('p')).toBe(true);
    expect(leases.held()).toEqual(['p']);
    const second = await holder();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    // Held for real: another process cannot take it.
    const other = new PostgresLeases(database.url);
    closing.push(() => other.releaseAll());
    expect(await other.hold('p')).toBe(false);
  });

  test('the LISTEN connection terminated: set up again by itself, its listeners woken, notifications heard again', async () => {
    const { store, schema } = await openStore(database.url);
    let wakes = 0;
    const off = store.onAppended(() => {
      wakes++;
    });
    closing.push(() => {
      off();
      return Promise.resolve();
    });
    const listening = () =>
      until('the LISTEN connection', async () => {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
        );
        return rows[0]?.pid;
      });
    const pid = await listening();
    await terminate(pid);

    // Woken once LISTEN is up again: what was appended meanwhile was announced to no one.
    await until('a wake after LISTEN is set up again', () => Promise.resolve(wakes > 0 ? wakes : undefined));
    expect(await listening()).not.toBe(pid);
    // Appends of another process are heard again.
    const elsewhere = await PostgresEventStore.open(database.url, { schema });
    closing.push(() => elsewhere.close());
    const before = wakes;
    await elsewhere.append('a', [deposit('a')]);
    await until('the notification of an append elsewhere', () =>
      Promise.resolve(wakes > before ? true : undefined),
    );
  });
});
