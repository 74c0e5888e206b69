// Append throughput of the SQLite event store, fsync on (synchronous=FULL), on a temporary file.
// Not part of the tests. Run `npm run bench:append` (it builds first), or after a build:
//   node packages/sqlite/bench/append.bench.js [sequential,concurrent,batch]
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
 * Appends of `size` events, each to a new stream, by `callers` concurrent callers, `total` appends in all.
 * @param {string} name
 * @param {number} callers
 * @param {number} total
 * @param {number} size
 */
async function scenario(name, callers, total, size = 1) {
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
          Array.from({ length: size }, () => ({
            type: 'bench.MoneyDeposited.v1',
            data: { accountId: `${prefix}-${i}`, amount: 1250n, currency: 'EUR' },
            metadata: { correlationId: 'bench', causationId: null },
          })),
          { expectedVersion: 'no_stream' },
        );
        if (record) record[i] = performance.now() - started;
      }
    };

    // Warm up the statements, the JIT and the WAL file.
    await Promise.all(Array.from({ length: callers }, () => caller('warmup', 500 / size, undefined)));
    next = 0;
    const before = store.stats();

    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: callers }, () => caller(name, total, latencies)));
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);

    const { batches } = store.stats();
    latencies.sort();
    const batchCount = batches - before.batches;
    console.log(
      `${name}: ${callers} caller(s), ${total} appends of ${size} in ${seconds.toFixed(2)} s: ` +
        `${Math.round((total * size) / seconds).toLocaleString('en-US')} events/s ` +
        `(${Math.round((total * size) / ((user + system) / 1e6)).toLocaleString('en-US')} per CPU-second), ` +
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
const only = (process.argv[2] ?? 'sequential,concurrent,batch').split(',');
if (only.includes('sequential')) await scenario('sequential', 1, 5_000);
if (only.includes('concurrent')) await scenario('concurrent', 32, 20_000);
if (only.includes('batch')) await scenario('batch', 1, 1_000, 100);
