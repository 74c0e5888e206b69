import { ProjectionRunner } from '@janus/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PostgresEventStore } from './postgresEventStore.js';
import { PostgresProjectionStore } from './postgresProjectionStore.js';
import { killHard, randomInt, sleep, startChild, type Child } from './testing/childProcess.js';
import {
  Deposited,
  appendDeposits,
  counterRows,
  counterTables,
  foldCounters,
  workerProjections,
  type Counter,
} from './testing/counterFixtures.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// Projection workers in separate processes (src/testing/projectionWorker.ts), each projection leased to
// one of them at a time. The lease holder is SIGKILLed again and again while this process appends; another
// worker must take over within seconds, and in the end the read models equal the fold of the log, as
// does a fresh rebuild. A runner here that runs nothing reads its writes through the workers' progress.

const WORKERS = 3;
const KILLS = 8;
const MAX_EVENTS = 8_000;
const DOCS = 'workers.counters';
const TABLES = 'workers.counter-tables';
const ACCOUNTS = 40;

let database: TestDatabase;

describe.skipIf(skipPostgres)('projection workers in other processes', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_pg_workers');
  });
  afterAll(async () => {
    await database.drop();
  });

  test('the lease holder is SIGKILLed again and again: another worker takes over, and every event counts once', async () => {
    const events = await PostgresEventStore.open(database.url, { poolSize: 4 });
    const store = await PostgresProjectionStore.open(database.url, { poolSize: 3 });
    const workers = new Set<Child>();
    const everyWorker: Child[] = [];
    /** Who holds which lease, as the workers say. */
    const holders = new Map<string, Child>();
    let started = 0;
    const startWorker = () => {
      const worker = startChild('projectionWorker', [database.url, `w${++started}`], `w${started}`);
      workers.add(worker);
      everyWorker.push(worker);
      worker.onLine((line) => {
        const [what, name] = line.split(' ');
        if (name === undefined) return;
        if (what === 'holds') holders.set(name, worker);
        if (what === 'lost' && holders.get(name) === worker) holders.delete(name);
      });
      void worker.exited.then(() => {
        workers.delete(worker);
        for (const [name, holder] of holders) if (holder === worker) holders.delete(name);
      });
      return worker;
    };
    const position = async (name: string) => (await store.record(name))?.position ?? 0n;
    const appending = { until: MAX_EVENTS };
    let appended = 2_500;
    let writer: Promise<void> | undefined;

    try {
      await appendDeposits(events, 2_500, { accounts: ACCOUNTS });
      for (let i = 0; i < WORKERS; i++) startWorker();
      await Promise.all([...workers].map((w) => w.ready));

      // This process appends all along (some 200 events a second), as an API process would.
      writer = (async () => {
        while (appended < appending.until) {
          const n = randomInt(8, 25);
          await appendDeposits(events, n, { accounts: ACCOUNTS, perAppend: randomInt(1, 5) });
          appended += n;
          await sleep(randomInt(50, 90));
        }
      })();

      // Read-your-writes across processes: this runner runs nothing; the workers' progress wakes it.
      const waiter = new ProjectionRunner({
        log: events,
        store,
        projections: workerProjections(),
        pollIntervalMs: 5_000,
      });

      await waiter.waitFor(await events.head(), { timeoutMs: 30_000 }); // the first catch-up

      const takeovers: number[] = [];
      const waits: number[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const deadline = Date.now() + 10_000;
        while (!holders.has(DOCS) && Date.now() < deadline) await sleep(10);
        const victim = holders.get(DOCS);
        if (!victim)
          throw new Error(`nobody holds ${DOCS}: ${[...workers].map((w) => w.stderr()).join('\n')}`);

        const { position: mine } = await events.append('acc-ryw', [
          Deposited({ account: 'acc-ryw', amount: 1 }),
        ]);
        const waitStarted = Date.now();
        await waiter.waitFor(mine, { timeoutMs: 10_000 });
        waits.push(Date.now() - waitStarted);

        await sleep(randomInt(200, 800));
        await killHard(victim);
        const killedAt = Date.now();
        const at = { docs: await position(DOCS), tables: await position(TABLES) };
        startWorker();
        // Another worker takes over: both projections move on again. The bound only ends a hung test; on a
        // loaded machine a takeover can take several lease periods, so it is no performance assertion.
        for (;;) {
          const moved = (await position(DOCS)) > at.docs && (await position(TABLES)) > at.tables;
          if (moved) break;
          if (Date.now() - killedAt > 30_000) {
            throw new Error(
              `no worker took over within 30 s (kill ${kill + 1}): holders ${[...holders.keys()].join()}`,
            );
          }
          await sleep(10);
        }
        takeovers.push(Date.now() - killedAt);
      }

      appending.until = 0;
      await writer;
      const head = await events.head();
      await waiter.waitFor(head, { timeoutMs: 30_000 });
      console.log(
        `${head} events; takeover after SIGKILL (ms): ${takeovers.join(', ')}; ` +
          `read-your-writes waits (ms): ${waits.join(', ')}`,
      );

      const { rows: sessions } = await store.pool.query<{ sessions: bigint }>(
        'SELECT sessions FROM pg_stat_database WHERE datname = current_database()',
      );
      console.log(`sessions opened on the database: ${sessions[0]?.sessions}`);
      const log = await events.readAll();
      const folded = foldCounters(log);
      expect([...folded.values()].every((c) => c.anomalies === 0)).toBe(true);
      const expectModels = async () => {
        const reader = store.documents<Counter>(DOCS);
        const found = new Map<string, Counter>();
        for (const account of folded.keys()) {
          const doc = await reader.get(account);
          if (doc) found.set(account, doc);
        }
        expect(found).toEqual(folded);
        const tx = store.sql(counterTables({ name: TABLES }));
        expect(await tx.query(`SELECT * FROM ${await tx.table('counters')} ORDER BY account`)).toEqual(
          counterRows(folded),
        );
        const [total] = await tx.query(`SELECT events FROM ${await tx.table('totals')}`);
        expect(total?.events).toBe(BigInt(log.filter((e) => Deposited.is(e)).length));
      };
      await expectModels();

      // A rebuild from zero, by whichever worker holds each lease, gives the very same read models.
      await store.requestRebuild(DOCS);
      await store.requestRebuild(TABLES);
      const rebuilt = Date.now() + 20_000;
      for (;;) {
        const records = await store.records();
        if (
          records.every((r) => r.generation === 2 && !r.rebuild && !r.rebuildRequested && r.position === head)
        )
          break;
        if (Date.now() > rebuilt)
          throw new Error(
            `not rebuilt: ${JSON.stringify(records, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
          );
        await sleep(50);
      }
      await expectModels();
      expect((await store.records()).map((r) => r.failure)).toEqual([null, null]);
      // No worker ever failed at an event, nor lost its store.
      expect(everyWorker.map((w) => w.stderr()).join('')).toBe('');
    } finally {
      appending.until = 0;
      await writer;
      for (const worker of [...workers]) {
        worker.process.kill('SIGTERM');
        const exited = await Promise.race([worker.exited, sleep(3_000).then(() => undefined)]);
        if (!exited) await killHard(worker);
      }
      await store.close();
      await events.close();
    }
  }, 180_000);
});
