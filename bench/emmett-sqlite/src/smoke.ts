// A self-check of the Emmett-on-SQLite subject (run: npm run smoke -w @janus/bench-emmett-sqlite; add
// --time for a quick measurement). It runs every method on a temporary folder and checks the results.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteConnection } from '@event-driven-io/emmett-sqlite';
import { openEmmettSqlite } from './emmettSqliteSubject.js';

type Subject = Awaited<ReturnType<typeof openEmmettSqlite>>;

const deposited = (amount: number) => ({ type: 'Deposited' as const, data: { amount } });

async function withSubject(run: (subject: Subject, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'emmett-sqlite-'));
  const subject = await openEmmettSqlite({ dir, pgUrl: '' });
  try {
    await run(subject, dir);
  } finally {
    await subject.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function check(subject: Subject, dir: string): Promise<void> {
  await subject.appendToNewStream('single-1', deposited(5));
  await assert.rejects(subject.appendToNewStream('single-1', deposited(5)), 'a second new-stream append');
  await subject.appendExpecting('single-1', deposited(7), 1);
  await subject.appendExpecting('single-1', deposited(11), 2);
  assert.equal(await subject.rehydrate('single-1'), 23);
  // On a stream of its own: in emmett-sqlite 0.38.5 a rejected append still bumps the stream's version.
  await subject.appendToNewStream('stale-1', deposited(1));
  await assert.rejects(subject.appendExpecting('stale-1', deposited(1), 0), 'a stale expected version');

  const many = Array.from({ length: 100 }, (_, i) => deposited(i + 1));
  await subject.appendMany('many-1', many);
  await assert.rejects(subject.appendMany('many-1', many), 'appendMany to an existing stream');
  assert.equal(await subject.rehydrate('many-1'), 5050);

  await Promise.all(
    Array.from({ length: 32 }, (_, i) => subject.appendToNewStream(`parallel-${i}`, deposited(i))),
  );
  assert.equal(await subject.rehydrate('parallel-31'), 31);

  await subject.openAccounts(10);
  for (let i = 0; i < 5; i++) await subject.deposit('account-3', 2);
  assert.equal(await subject.rehydrate('account-3'), 10);
  await assert.rejects(subject.deposit('account-missing', 2), 'a deposit to an account never opened');
  await Promise.all(Array.from({ length: 32 }, (_, i) => subject.deposit(`account-${i % 4}`, 1)));
  assert.equal(await subject.rehydrate('account-3'), 18);

  const written = 4 + 100 + 32 + 10 + 5 + 32;
  assert.equal(await subject.catchUp(), written);
  assert.equal(await subject.catchUp(), written, 'a second catch-up rebuilds from the start');
  const readModel = sqliteConnection({ fileName: join(dir, 'emmett.db') });
  try {
    const row = await readModel.querySingle<{ balance: number }>(
      "SELECT balance FROM balances WHERE stream_id = 'account-3'",
    );
    assert.equal(row?.balance, 18);
  } finally {
    readModel.close();
  }
}

/** Times `run`, which returns how many events or commands it handled. */
async function timed(label: string, unit: string, run: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const handled = await run();
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(handled / seconds).toLocaleString('en');
  console.log(`${label}: ${rate} ${unit}/s (${handled} in ${seconds.toFixed(2)} s)`);
}

/** Runs `task` for 0 … count-1 from `callers` concurrent callers; returns `count`. */
async function inParallel(
  callers: number,
  count: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const caller = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return count;
}

async function measure(subject: Subject): Promise<void> {
  await timed('single appends, 1 caller', 'events', () =>
    inParallel(1, 2000, (i) => subject.appendToNewStream(`one-${i}`, deposited(1))),
  );
  await timed('single appends, 32 callers', 'events', () =>
    inParallel(32, 2000, (i) => subject.appendToNewStream(`many-${i}`, deposited(1))),
  );
  await subject.openAccounts(1000);
  await timed('deposits, 1 caller', 'commands', () =>
    inParallel(1, 1000, (i) => subject.deposit(`account-${i}`, 1)),
  );
  await timed('deposits, 32 callers', 'commands', () =>
    inParallel(32, 1000, (i) => subject.deposit(`account-${(i * 7) % 1000}`, 1)),
  );
  const batch = Array.from({ length: 100 }, () => deposited(1));
  await timed('100-event appends', 'events', async () => {
    await inParallel(1, 1000, (i) => subject.appendMany(`batch-${i}`, batch));
    return 100_000;
  });
  await timed('catch-up', 'events', () => subject.catchUp());
}

await withSubject(check);
console.log('Emmett on SQLite: every check passed');
if (process.argv.includes('--time')) await withSubject(measure);
