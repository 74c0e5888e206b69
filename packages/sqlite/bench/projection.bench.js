// Catch-up throughput of a ProjectionRunner on the SQLite store, fsync on (synchronous=FULL), on a
// temporary file. Not part of the tests. After a build (`npx tsc -b packages/sqlite`):
//   node packages/sqlite/bench/projection.bench.js [events] [batchSize]
// 100,000 deposits over 1,000 accounts (appended 100 events at a time), then a document projection
// (balance per account) catches up from position 0; the median of 3 runs, each with a fresh projection.
/// <reference types="node" />
import console from 'node:console';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { ProjectionRunner, event, projection } from '@janus/core';
import { SqliteEventStore } from '../dist/index.js';

const EVENTS = Number(process.argv[2] ?? 100_000);
const BATCH_SIZE = process.argv.length > 3 ? Number(process.argv[3]) : undefined;
const ACCOUNTS = 1_000;
const PER_APPEND = 100;
const RUNS = 3;

/** @typedef {{ account: string, balance: bigint, deposits: number }} Balance */
/** @typedef {{ account: string, amount: bigint, currency: string }} Deposit */

/** A Standard Schema that trusts its input: the bench never validates, it only needs the type. */
const depositSchema = /** @type {import('@janus/core').StandardSchemaV1<Deposit>} */ ({
  '~standard': {
    version: 1,
    vendor: 'bench',
    validate: (value) => ({ value: /** @type {Deposit} */ (value) }),
  },
});
const Deposited = event('bench.MoneyDeposited.v1', depositSchema);

/**
 * A fresh projection (its own name, so its own checkpoint at 0) for each run.
 * @param {number} run
 */
const balances = (run) =>
  projection({
    name: `bench.balances.${run}`,
    version: 1,
    handles: [Deposited],
    id: (e) => e.data.account,
    /** @type {(doc: Balance | undefined, e: import('@janus/core').RecordedEvent<import('@janus/core').EventOf<typeof Deposited>>) => Balance} */
    apply: (doc, e) => ({
      account: e.data.account,
      balance: (doc?.balance ?? 0n) + e.data.amount,
      deposits: (doc?.deposits ?? 0) + 1,
    }),
  });

/**
 * Appends EVENTS deposits: appends of PER_APPEND events, each to one account's stream in turn.
 * @param {SqliteEventStore} store
 */
async function fill(store) {
  const appends = [];
  for (let i = 0; i < EVENTS / PER_APPEND; i++) {
    const account = `account-${i % ACCOUNTS}`;
    const events = Array.from({ length: PER_APPEND }, (_, j) =>
      Deposited(
        { account, amount: BigInt(1 + ((i + j) % 97)), currency: 'EUR' },
        { correlationId: `bench-${i}`, causationId: null },
      ),
    );
    appends.push(store.append(account, events));
    if (appends.length >= 50) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
}

/**
 * Catches one fresh projection up from 0 to the head; returns events per second of wall time, and per
 * second of this process's CPU time (steadier on a busy machine).
 * @param {SqliteEventStore} store
 * @param {number} run
 */
async function catchUp(store, run) {
  const p = balances(run);
  const runner = new ProjectionRunner({
    log: store,
    store: store.projections,
    projections: [p],
    pollIntervalMs: 5,
    ...(BATCH_SIZE === undefined ? {} : { batchSize: BATCH_SIZE }),
  });
  const head = await store.head();
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runner.start();
  await runner.waitFor(head, { timeoutMs: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  await runner.stop();
  const doc = /** @type {Balance | undefined} */ (
    await store.projections.documents(p).get(`account-${ACCOUNTS - 1}`)
  );
  if (doc?.deposits !== EVENTS / ACCOUNTS) throw new Error(`wrong read model: ${JSON.stringify(doc)}`);
  return { wall: Number(head) / seconds, cpu: Number(head) / ((user + system) / 1e6) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bench-'));
const store = await SqliteEventStore.open(path.join(dir, 'bench.db'), { synchronous: 'FULL' });
try {
  console.log(
    `@janus/sqlite projection catch-up: node ${process.version}, ${os.availableParallelism()} cores, ` +
      `synchronous=FULL, ${EVENTS.toLocaleString('en-US')} events over ${ACCOUNTS} accounts, ` +
      `batchSize ${BATCH_SIZE ?? 'default'}, file in ${os.tmpdir()}`,
  );
  const filling = performance.now();
  await fill(store);
  console.log(`appended in ${((performance.now() - filling) / 1000).toFixed(2)} s`);
  /** @param {number} n */
  const format = (n) => Math.round(n).toLocaleString('en-US');
  /** @param {number[]} values */
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const rates = [];
  for (let run = 1; run <= RUNS; run++) {
    const rate = await catchUp(store, run);
    rates.push(rate);
    console.log(`run ${run}: ${format(rate.wall)} events/s (${format(rate.cpu)} per CPU-second)`);
  }
  console.log(
    `catch-up: ${format(median(rates.map((r) => r.wall)))} events/s, ` +
      `${format(median(rates.map((r) => r.cpu)))} per CPU-second (medians of ${RUNS})`,
  );
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
