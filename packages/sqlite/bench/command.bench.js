// Rehydration and command round trips on the SQLite event store, fsync on (synchronous=FULL), on a
// temporary file. Not part of the tests. After a build (`npx tsc -b packages/sqlite`):
//   node packages/sqlite/bench/command.bench.js [commands] [rehydrate,round1,round32,round32cached]
// - rehydrate: readStream + fold of a 1,000-event stream (ms per load, median of many loads);
// - round trip: handleCommand (load, decide, append with the expected version, retry on conflict) of
//   deposits on 1,000 accounts by 1 and by 32 concurrent callers, and by 32 starting from snapshotCache.
/// <reference types="node" />
import console from 'node:console';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { command, decider, event, fail, handleCommand, loadStream, snapshotCache } from '@janus/core';
import { SqliteEventStore } from '../dist/index.js';

const COMMANDS = Number(process.argv[2] ?? 5_000);
const ONLY = (process.argv[3] ?? 'rehydrate,round1,round32,round32cached').split(',');
const ACCOUNTS = 1_000;
const STREAM_LENGTH = 1_000;
const LOADS = 200;

/** @typedef {{ account: string, amount: bigint }} Deposit */
/** A Standard Schema that trusts its input: the bench measures the store, not a validator. */
const depositSchema = /** @type {import('@janus/core').StandardSchemaV1<Deposit>} */ ({
  '~standard': {
    version: 1,
    vendor: 'bench',
    validate: (value) => ({ value: /** @type {Deposit} */ (value) }),
  },
});
const Deposited = event('bench.MoneyDeposited.v1', depositSchema);
const Deposit = command('bench.Deposit.v1', depositSchema);

/** @typedef {{ status: 'none' } | { status: 'open', balance: bigint, deposits: number }} Account */
const account = decider({
  /** @returns {Account} */
  initialState: () => ({ status: 'none' }),
  /** @param {import('@janus/core').MessageOf<typeof Deposit>} c @param {Account} _state */
  decide: (c, _state) => (c.data.amount <= 0n ? fail('invalid-amount') : [Deposited(c.data)]),
  /** @param {Account} s @param {import('@janus/core').EventOf<typeof Deposited>} e @returns {Account} */
  evolve: (s, e) => {
    const { amount } = e.data;
    return s.status === 'none'
      ? { status: 'open', balance: amount, deposits: 1 }
      : { status: 'open', balance: s.balance + amount, deposits: s.deposits + 1 };
  },
});

/** @param {number} n */
const format = (n) => Math.round(n).toLocaleString('en-US');
/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** @param {(store: SqliteEventStore) => Promise<void>} body */
async function withStore(body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bench-'));
  const store = await SqliteEventStore.open(path.join(dir, 'bench.db'), { synchronous: 'FULL' });
  try {
    await body(store);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Workload 5: load (readStream + fold) one 1,000-event stream, many times. */
async function rehydrate() {
  await withStore(async (store) => {
    const deposits = Array.from({ length: STREAM_LENGTH }, (_, i) =>
      Deposited(
        { account: 'account-1', amount: BigInt(1 + (i % 97)) },
        { correlationId: `c-${i}`, causationId: `m-${i}` },
      ),
    );
    await store.append('account-1', deposits, { expectedVersion: 'no_stream' });
    for (let i = 0; i < 20; i++) await loadStream(store, account, 'account-1'); // warm-up
    const times = [];
    for (let i = 0; i < LOADS; i++) {
      const started = performance.now();
      const { version } = await loadStream(store, account, 'account-1');
      times.push(performance.now() - started);
      if (version !== STREAM_LENGTH) throw new Error(`loaded version ${version}`);
    }
    console.log(
      `rehydrate: ${STREAM_LENGTH} events, median ${median(times).toFixed(3)} ms per load, ` +
        `p99 ${[...times].sort((a, b) => a - b)[Math.ceil(LOADS * 0.99) - 1]?.toFixed(3)} ms`,
    );
  });
}

/**
 * Workload 6: COMMANDS deposits spread over ACCOUNTS accounts, by `callers` concurrent callers; with
 * `cached`, each command starts from the account's latest state kept in memory (snapshotCache).
 * @param {number} callers
 * @param {boolean} cached
 */
async function roundTrips(callers, cached = false) {
  await withStore(async (store) => {
    const snapshots = cached ? { store: snapshotCache(store), name: 'bench.account', every: 1 } : undefined;
    // Every account exists with a few events, as a bank's would.
    for (let a = 0; a < ACCOUNTS; a += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.append(`account-${a + i}`, [Deposited({ account: `account-${a + i}`, amount: 1n })]),
        ),
      );
    }
    let next = 0;
    let conflicts = 0;
    /** @param {number} total */
    const caller = async (total) => {
      for (let i = next++; i < total; i = next++) {
        const id = `account-${(i * 7919) % ACCOUNTS}`;
        const outcome = await handleCommand(store, account, id, Deposit({ account: id, amount: 5n }), {
          retry: { attempts: 20 },
          ...(snapshots ? { snapshots } : {}),
        });
        if (outcome.version < 2) conflicts++;
      }
    };
    await Promise.all(Array.from({ length: callers }, () => caller(500))); // warm-up
    next = 0;
    const before = store.stats();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: callers }, () => caller(COMMANDS)));
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    const { batches, appends } = store.stats();
    if (conflicts > 0) throw new Error('a command did not append');
    console.log(
      `round trip${cached ? ' (snapshot cache)' : ''}: ${callers} caller(s), ${COMMANDS} commands in ${seconds.toFixed(2)} s: ` +
        `${format(COMMANDS / seconds)} commands/s (${format(COMMANDS / ((user + system) / 1e6))} per CPU-second), ` +
        `${batches - before.batches} transactions, ${appends - before.appends} appends`,
    );
  });
}

console.log(
  `@janus/sqlite command benchmark: node ${process.version}, ${os.availableParallelism()} cores, ` +
    `synchronous=FULL, file in ${os.tmpdir()}`,
);
if (ONLY.includes('rehydrate')) await rehydrate();
if (ONLY.includes('round1')) await roundTrips(1);
if (ONLY.includes('round32')) await roundTrips(32);
if (ONLY.includes('round32cached')) await roundTrips(32, true);
