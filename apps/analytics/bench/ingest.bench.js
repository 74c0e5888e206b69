// Ingestion, statistics and rebuild benchmark of the analytics service, through the same code the HTTP
// routes run (ingest, getEventStatistics, the projection runner), without HTTP.
//
//   npm run build && node apps/analytics/bench/ingest.bench.js [--events 1000000] [--batch 1000]
//     [--concurrency 4] [--queries 200] [--dir <folder>]      (DATABASE_URL=postgres://… for PostgreSQL)
//
// 1. ingests N events in batches (one multi-row append each, a few batches in flight: group commit);
// 2. lets the projections catch up;
// 3. measures the latency of random range statistics queries (p50/p99);
// 4. rebuilds every projection from the log, printing the runner's progress notices.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ProjectionRunner } from '@janus/core';
import { describeNotice, getEventStatistics, ingest, openAnalyticsStores } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    queries: { type: 'string', default: '200' },
    dir: { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const QUERIES = Number(values.queries);
const USERS = Math.max(100, Math.floor(EVENTS / 50));
const TYPES = ['view', 'click', 'purchase', 'signup', 'login', 'search', 'share', 'logout'];
const SPAN_MINUTES = 7 * 24 * 60; // one week of data
const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** @param {string} line */
const print = (line) => process.stdout.write(`${line}\n`);

/** A small, seeded generator: the same data on every run. @param {number} seed */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(42);
/** @param {number} n */
const pick = (n) => Math.floor(rand() * n);

/** @param {number} size @returns {import('../dist/index.js').TrackInput[]} */
function makeBatch(size) {
  return Array.from({ length: size }, () => ({
    userId: `user-${pick(USERS)}`,
    eventType: TYPES[pick(TYPES.length)] ?? 'view',
    properties: { n: pick(1000) },
    timestamp: new Date(START + pick(SPAN_MINUTES * MINUTE)).toISOString(),
  }));
}

/** @param {number[]} sorted @param {number} q */
const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const dataDir = values.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'janus-analytics-bench-')));
const stores = await openAnalyticsStores({ dataDir, databaseUrl: process.env.DATABASE_URL });
print(`analytics bench: ${EVENTS} events, batches of ${BATCH}, ${CONCURRENCY} in flight, ${USERS} users`);
print(`storage: ${stores.description}`);

/** Progress lines: at most one a second per projection. @type {Map<string, number>} */
const lastLine = new Map();
/** @type {Set<string>} */
const rebuilt = new Set();
const runner = new ProjectionRunner({
  log: stores.events,
  store: stores.readModels,
  projections: stores.projections,
  batchSize: 2000,
  pollIntervalMs: 200,
  onNotice: (notice) => {
    if (notice.kind === 'rebuild-completed') rebuilt.add(notice.projection);
    if (notice.kind === 'failed' || notice.kind === 'error')
      print(`  ! ${notice.projection}: ${String(notice.error)}`);
    const line = describeNotice(notice);
    if (line === undefined) return;
    const now = Date.now();
    if (notice.kind === 'rebuild-progress' && now - (lastLine.get(notice.projection) ?? 0) < 1000) return;
    lastLine.set(notice.projection, now);
    print(`  ${line}`);
  },
});

try {
  // 1. Ingestion.
  let sent = 0;
  let batches = 0;
  const started = performance.now();
  let lastReport = started;
  const worker = async () => {
    while (sent < EVENTS) {
      const size = Math.min(BATCH, EVENTS - sent);
      sent += size;
      const id = `bench-${batches++}`;
      await ingest(stores.events, id, makeBatch(size), new Date().toISOString());
      const now = performance.now();
      if (now - lastReport > 5000) {
        lastReport = now;
        print(`  ingested ${sent} events (${Math.round(sent / ((now - started) / 1000))} events/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ingestSeconds = (performance.now() - started) / 1000;
  print(
    `ingestion: ${EVENTS} events in ${ingestSeconds.toFixed(1)} s = ${Math.round(EVENTS / ingestSeconds)} events/s`,
  );

  // 2. Catch-up of the projections.
  const head = await stores.events.head();
  const catchUpStarted = performance.now();
  await runner.start();
  await runner.waitFor(head, { timeoutMs: 3_600_000 });
  const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
  print(
    `projections caught up: ${head} events in ${catchUpSeconds.toFixed(1)} s = ` +
      `${Math.round(Number(head) / catchUpSeconds)} events/s`,
  );

  // 3. Statistics queries over random ranges.
  /** @type {number[]} */
  const latencies = [];
  let checksum = 0;
  for (let i = 0; i < QUERIES; i++) {
    const from = START + pick(SPAN_MINUTES) * MINUTE;
    const to = from + (1 + pick(SPAN_MINUTES)) * MINUTE;
    const eventType = TYPES[pick(TYPES.length)] ?? 'view';
    const t0 = performance.now();
    const stats = await getEventStatistics(stores.sql, { eventType, from, to });
    latencies.push(performance.now() - t0);
    checksum += stats.count;
  }
  latencies.sort((a, b) => a - b);
  print(
    `statistics queries (${QUERIES} random ranges of 1 min to 1 week): p50 ${percentile(latencies, 0.5).toFixed(2)} ms, ` +
      `p99 ${percentile(latencies, 0.99).toFixed(2)} ms, max ${(latencies.at(-1) ?? 0).toFixed(2)} ms (${checksum} events counted)`,
  );

  // 4. A full rebuild of every projection.
  const rebuildStarted = performance.now();
  for (const p of stores.projections) await runner.rebuild(p.name);
  while (rebuilt.size < stores.projections.length) await sleep(100);
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  print(
    `rebuild of ${stores.projections.length} projections over ${head} events: ${rebuildSeconds.toFixed(1)} s ` +
      `(${Math.round(Number(head) / rebuildSeconds)} events/s)`,
  );
} finally {
  await runner.stop();
  await stores.close();
  if (values.dir === undefined) await fs.rm(dataDir, { recursive: true, force: true });
}
