// Append throughput of the SQLite event store, fsync on (synchronous=FULL), on a temporary file.
// Not part of the tests. Run `npm run bench:append` (it builds first), or after a build:
//   node packages/sqlite/bench/append.bench.js
/// <reference types="node" />
import console from 'node:console';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { SqliteEventStore } from '../dist/index.js';

/**
 * @param {Float64Array} sorted latencies in ms, ascending
 * @param {number} p percentile, 0..100
 */
function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(index, 0)] ?? Number.NaN;
}

/**
 * Single-event appends, each to a new stream, by `callers` concurrent callers, `total` in all.
 * @param {string} name
 * @param {number} callers
 * @param {number} total
 */
async function scenario(name, callers, total) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bench-'));
  const store = await SqliteEventStore.open(path.join(dir, 'bench.db'), { synchronous: 'FULL' });
  try {
    const latencies = new Float64Array(total);
    let next = 0;
    /** @param {string} prefix @param {number} count @param {Float64Array | undefined} record */
    const caller = async (prefix, count, record) => {
      for (let i = next++; i < count; i = next++) {
        const started = performance.now();
        await store.append(
          `${prefix}-${i}`,
          [
            {
              type: 'bench.MoneyDeposited.v1',
              data: { accountId: `${prefix}-${i}`, amount: 1250n, currency: 'EUR' },
              metadata: { correlationId: 'bench', causationId: null },
            },
          ],
          { expectedVersion: 'no_stream' },
        );
        if (record) record[i] = performance.now() - started;
      }
    };

    // Warm up the statements, the JIT and the WAL file.
    await Promise.all(Array.from({ length: callers }, () => caller('warmup', 500, undefined)));
    next = 0;
    const before = store.stats();

    const started = performance.now();
    await Promise.all(Array.from({ length: callers }, () => caller(name, total, latencies)));
    const seconds = (performance.now() - started) / 1000;

    const { batches } = store.stats();
    latencies.sort();
    const batchCount = batches - before.batches;
    console.log(
      `${name}: ${callers} caller(s), ${total} appends in ${seconds.toFixed(2)} s: ` +
        `${Math.round(total / seconds).toLocaleString('en-US')} events/s, ` +
        `p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms, ` +
        `${batchCount} transactions (${(total / batchCount).toFixed(1)} appends each)`,
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `@janus/sqlite append benchmark: node ${process.version}, ${os.availableParallelism()} cores, ` +
    `synchronous=FULL (fsync per transaction), file in ${os.tmpdir()}`,
);
await scenario('sequential', 1, 5_000);
await scenario('concurrent', 32, 20_000);
