import { ProjectionRunner, type Projection } from '@janus/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool } from './pool.js';
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
import { intercepted, never, type Hooks } from './testing/interceptedStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// The write side and the read side apart: events in database A, read models and their checkpoints in
// database B. The runner reads A and writes each batch and its checkpoint in one transaction in B, so
// stopping it, or losing it at any point, and starting another gives exactly the fold of A's log.

let a: TestDatabase;
let b: TestDatabase;

const docs = counterDocuments({ name: 'second.counters' });
const tables = counterTables({ name: 'second.counter-tables' });
const projections: readonly Projection[] = [docs, tables];

type Ending = 'stop' | 'crash-between-batches' | 'crash-in-commit';

/**
 * A pool whose `crashAt`-th COMMIT never happens: the session ends first (the server rolls its
 * transaction back), as when a process dies with a batch in flight.
 */
function poolThatDiesAtCommit(url: string, crashAt: number, dead: { value: boolean }): pg.Pool {
  const pool = createPool(url, { max: 3 });
  pool.on('error', () => undefined);
  let commits = 0;
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const wrapped = async (...args: unknown[]) => {
      if (args[0] === 'COMMIT' && ++commits === crashAt) {
        dead.value = true;
        await query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
        throw new Error('the process died before COMMIT');
      }
      return query(...args);
    };
    Object.assign(client, { query: wrapped });
  });
  return pool;
}

/** Reads every document of the counters projection in B, and the rows of the counter tables. */
async function readModels(store: PostgresProjectionStore, accounts: Iterable<string>) {
  const reader = store.documents<Counter>(docs);
  const found = new Map<string, Counter>();
  for (const account of accounts) {
    const doc = await reader.get(account);
    if (doc) found.set(account, doc);
  }
  const tx = store.sql(tables.name);
  const rows = await tx.query(`SELECT * FROM ${await tx.table('counters')} ORDER BY account`);
  const [total] = await tx.query(`SELECT events FROM ${await tx.table('totals')}`);
  return { documents: found, rows, total: total?.events };
}

describe.skipIf(skipPostgres)('read models in a second database', () => {
  beforeAll(async () => {
    a = await createTestDatabase('janus_pg_events');
    b = await createTestDatabase('janus_pg_reads');
  });
  afterAll(async () => {
    await a.drop();
    await b.drop();
  });

  test('stopped and lost at random points again and again, the runner leaves exactly the fold of the log', async () => {
    const events = await PostgresEventStore.open(a.url, { poolSize: 4 });
    const observer = await PostgresProjectionStore.open(b.url, { poolSize: 1 });
    try {
      await appendDeposits(events, 1_500, { accounts: 25 });
      // Writers keep appending to A while runners come and go.
      const writing = { until: 4_500 };
      let appended = 1_500;
      const writer = (async () => {
        while (appended < writing.until) {
          const n = randomInt(10, 60);
          await appendDeposits(events, n, { accounts: 25, perAppend: randomInt(1, 6) });
          appended += n;
          await sleep(randomInt(5, 25));
        }
      })();

      const endings: Ending[] = [];
      let behind = 0;
      for (let round = 0; round < 9; round++) {
        const ending: Ending =
          (['stop', 'crash-between-batches', 'crash-in-commit'] as const)[round % 3] ?? 'stop';
        endings.push(ending);
        const dead = { value: false };
        const isDead = () => dead.value;
        const pool =
          ending === 'crash-in-commit' ? poolThatDiesAtCommit(b.url, randomInt(3, 12), dead) : undefined;
        const store = await PostgresProjectionStore.open(pool ?? b.url, { poolSize: 3 });
        // Once dead, a "process" does nothing more: each of its calls hangs, like the next step of a
        // process that is gone.
        let batches = 0;
        const lastBatch = randomInt(1, 8);
        const hooks: Hooks = {
          around: async (call) => {
            if (isDead()) return never();
            try {
              return await call();
            } catch (error) {
              if (isDead()) return never();
              throw error;
            }
          },
          afterBatch: async () => {
            if (ending === 'crash-between-batches' && ++batches === lastBatch) {
              dead.value = true;
              await never();
            }
          },
        };
        const runner = new ProjectionRunner({
          log: events,
          store: intercepted(store, hooks),
          projections,
          batchSize: randomInt(20, 120),
          pollIntervalMs: 20,
          retry: { initialDelayMs: 10, maxDelayMs: 50 },
        });
        await runner.start();
        if (ending === 'stop') {
          await sleep(randomInt(30, 300));
          await runner.stop();
        } else {
          const deadline = Date.now() + 5_000;
          while (!dead.value && Date.now() < deadline) await sleep(5);
          expect(dead.value).toBe(true);
          // The runner is left as it is, hanging: what was not committed by now never will be.
        }
        await store.close();
        await pool?.end();
        const record = await observer.record(docs.name);
        if (record && record.position < (await events.head())) behind++;
      }
      writing.until = 0;
      await writer;
      expect(endings).toContain('crash-in-commit');
      expect(behind).toBeGreaterThan(0);

      // A last runner catches up; what it leaves equals the fold of A's whole log.
      const store = await PostgresProjectionStore.open(b.url, { poolSize: 3 });
      try {
        const runner = new ProjectionRunner({ log: events, store, projections, pollIntervalMs: 20 });
        await runner.start();
        const head = await events.head();
        await runner.waitFor(head, { timeoutMs: 20_000 });
        await runner.stop();

        const log = await events.readAll();
        const folded = foldCounters(log);
        expect([...folded.values()].every((c) => c.anomalies === 0)).toBe(true);
        const models = await readModels(store, folded.keys());
        expect(models.documents).toEqual(folded);
        expect(models.rows).toEqual(counterRows(folded));
        expect(models.total).toBe(BigInt(log.filter((e) => Deposited.is(e)).length));
        expect((await store.records()).map((r) => [r.name, r.position])).toEqual([
          [tables.name, head],
          [docs.name, head],
        ]);

        // The read side is all in B: A holds no checkpoints or documents, B no events.
        const inA = await events.pool.query<{ n: bigint }>(
          'SELECT (SELECT count(*) FROM janus.projections) + (SELECT count(*) FROM janus.projection_documents) AS n',
        );
        expect(inA.rows[0]?.n).toBe(0n);
        const inB = await store.pool.query<{ t: string | null }>(
          `SELECT to_regclass('janus.events')::text AS t`,
        );
        expect(inB.rows[0]?.t).toBeNull();
      } finally {
        await store.close();
      }
    } finally {
      await observer.close();
      await events.close();
    }
  });

  test('waitFor on the read database wakes on progress made from the other database', async () => {
    const events = await PostgresEventStore.open(a.url, { poolSize: 2 });
    const store = await PostgresProjectionStore.open(b.url, { poolSize: 2 });
    const runner = new ProjectionRunner({ log: events, store, projections, pollIntervalMs: 5_000 });
    try {
      await runner.start();
      await runner.waitFor(await events.head(), { timeoutMs: 20_000 });
      for (let i = 0; i < 3; i++) {
        const { position } = await events.append('acc-w', [Deposited({ account: 'acc-w', amount: 7 })]);
        const started = Date.now();
        await runner.waitFor(position, { timeoutMs: 4_000 });
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      expect(await store.documents<Counter>(docs).get('acc-w')).toMatchObject({ count: 3, sum: 21 });
    } finally {
      await runner.stop();
      await store.close();
      await events.close();
    }
  });
});
