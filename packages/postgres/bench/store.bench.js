// Throughput of the PostgreSQL event store and of an async projection catching up, synchronous_commit on.
// Not part of the tests. After a build (npm run build):
//   node packages/postgres/bench/store.bench.js [postgres://postgres@127.0.0.1:5432/postgres]
// It creates a temporary database on that server and drops it at the end.
/// <reference types="node" />
import console from 'node:console';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { ProjectionRunner, event, projection } from '@janus/core';
import pg from 'pg';
import { z } from 'zod';
import { PostgresEventStore, PostgresProjectionStore } from '../dist/index.js';

const server =
  process.argv.at(2) ?? process.env.JANUS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `janus_bench_${process.pid}`;
const url = new URL(server);
url.pathname = `/${name}`;

/**
 * @param {number[]} sorted latencies in ms, ascending
 * @param {number} p percentile, 0..100
 * @returns {number}
 */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const Deposited = event('bench.Deposited.v1', z.object({ account: z.string(), amount: z.number() }));

/**
 * Single-event appends to new streams by `callers` concurrent callers.
 * @param {PostgresEventStore} store
 * @param {string} label
 * @param {number} callers
 * @param {number} total
 */
async function appends(store, label, callers, total) {
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  const caller = async () => {
    for (let i = next++; i < total; i = next++) {
      const started = performance.now();
      await store.append(
        `${label}-${i}`,
        [{ type: 'bench.Deposited.v1', data: { account: `${label}-${i}`, amount: 1250 } }],
        {
          expectedVersion: 'no_stream',
        },
      );
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${label}: ${callers} caller(s), ${total} single-event appends: ${Math.round(total / seconds).toLocaleString('en-US')}/s, ` +
      `p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );
}

/**
 * Appends of `size` events each to new streams, one caller.
 * @param {PostgresEventStore} store
 * @param {number} size
 * @param {number} total events
 */
async function bigAppends(store, size, total) {
  const started = performance.now();
  for (let i = 0; i < total / size; i++) {
    await store.append(
      `big-${size}-${i}`,
      Array.from({ length: size }, () => ({
        type: 'bench.Deposited.v1',
        data: { account: 'big', amount: 1 },
      })),
      { expectedVersion: 'no_stream' },
    );
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${size}-event appends, 1 caller: ${Math.round(total / seconds).toLocaleString('en-US')} events/s`,
  );
}

/**
 * Reads a stream of `size` events whole, `times` times.
 * @param {PostgresEventStore} store
 * @param {number} size
 * @param {number} times
 */
async function rehydrate(store, size, times) {
  await store.append(
    `long-${size}`,
    Array.from({ length: size }, () => ({
      type: 'bench.Deposited.v1',
      data: { account: 'long', amount: 1 },
    })),
  );
  /** @type {number[]} */
  const latencies = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const events = await store.readStream(`long-${size}`);
    if (events.length !== size) throw new Error(`read ${events.length} events, expected ${size}`);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `rehydrate a ${size}-event stream: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );
}

/**
 * @param {PostgresEventStore} store
 * @param {number} events
 */
async function catchUp(store, events) {
  for (let i = 0; i < events; i += 100) {
    await store.append(
      `acc-${i % 1000}`,
      Array.from({ length: 100 }, (_, j) => ({
        type: 'bench.Deposited.v1',
        data: { account: `acc-${(i + j) % 1000}`, amount: 1 },
      })),
    );
  }
  const head = await store.head();
  /** @type {number[]} */
  const rates = [];
  for (let run = 1; run <= 3; run++) {
    const balances = projection({
      name: `bench.balances.${run}`,
      version: 1,
      handles: [Deposited],
      id: (e) => e.data.account,
      apply: (/** @type {{ balance: number } | undefined} */ doc, e) => ({
        balance: (doc?.balance ?? 0) + e.data.amount,
      }),
    });
    const read = await PostgresProjectionStore.open(store.pool, { schema: 'janus' });
    const runner = new ProjectionRunner({
      log: store,
      store: read,
      projections: [balances],
      batchSize: 1000,
    });
    const started = performance.now();
    await runner.start();
    await runner.waitFor(head, { timeoutMs: 600_000 });
    const seconds = (performance.now() - started) / 1000;
    await runner.stop();
    rates.push(Number(head) / seconds);
  }
  rates.sort((a, b) => a - b);
  console.log(
    `projection catch-up over ${head} events: ${Math.round(rates[1] ?? 0).toLocaleString('en-US')} events/s (median of 3)`,
  );
}

const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
try {
  const store = await PostgresEventStore.open(url.toString(), { poolSize: 8 });
  try {
    console.log(`@janus/postgres benchmark: node ${process.version}, ${server.replace(/\/\/.*@/, '//')}`);
    await appends(store, 'warmup', 8, 1000);
    await appends(store, 'single', 1, 3000);
    await appends(store, 'concurrent', 32, 20_000);
    await bigAppends(store, 100, 50_000);
    await rehydrate(store, 1000, 100);
    await catchUp(store, 100_000);
  } finally {
    await store.close();
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
