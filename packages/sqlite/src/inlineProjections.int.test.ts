import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ProjectionRunner,
  StaleCheckpointError,
  isValidationError,
  projection,
  type Projection,
} from '@janus/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';
import {
  Deposited,
  Noted,
  addDeposit,
  balanceDocuments,
  balanceTables,
  expectedBalances,
  readBalances,
  type Balance,
} from './testing/projectionFixtures.js';

// Inline projections run inside the append's own transaction: never behind, and an append whose inline
// projection fails is refused.

const DOCS = 'inline.balances';
const TABLES = 'inline.balance-tables';

let dir: string;
let file: string;
let stores: SqliteEventStore[];
let runners: ProjectionRunner[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-inline-'));
  file = path.join(dir, 'store.db');
  stores = [];
  runners = [];
});

afterEach(async () => {
  for (const runner of runners) await runner.stop();
  for (const store of stores) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const inlineDocs = (options: { version?: number; poison?: number } = {}) =>
  balanceDocuments({ name: DOCS, lifecycle: 'inline', ...options });
const inlineTables = (options: { version?: number; poison?: number } = {}) =>
  balanceTables({ name: TABLES, lifecycle: 'inline', ...options });

async function open(inlineProjections: readonly Projection[] = [inlineDocs(), inlineTables()]) {
  const store = await SqliteEventStore.open(file, { inlineProjections });
  stores.push(store);
  return store;
}

function runner(store: SqliteEventStore, projections: readonly Projection[], batchSize = 20) {
  const created = new ProjectionRunner({
    log: store,
    store: store.projections,
    projections,
    batchSize,
    pollIntervalMs: 10,
  });
  runners.push(created);
  return created;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await sleep(10);
  }
}

const depositTo = (store: SqliteEventStore, account: string, ...amounts: number[]) =>
  store.append(
    account,
    amounts.map((amount) => Deposited({ account, amount })),
  );

async function depositMany(store: SqliteEventStore, count: number): Promise<void> {
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < count / 4; i++) appends.push(depositTo(store, `acc-${i % 25}`, 1, 2, 3, i));
  await Promise.all(appends);
}

describe('inline projections', () => {
  test('reflect an append as soon as it resolves, with no runner', async () => {
    const store = await open();
    const docs = store.projections.documents<Balance>(DOCS);
    const tx = store.projections.sql(TABLES);
    for (let i = 1; i <= 5; i++) {
      const { position } = await depositTo(store, 'acc-1', 10);
      expect(await docs.get('acc-1')).toMatchObject({ balance: 10 * i, deposits: i, anomalies: 0 });
      expect(tx.get(`SELECT balance FROM ${tx.table('balances')} WHERE account = 'acc-1'`)).toEqual({
        balance: BigInt(10 * i),
      });
      expect((await store.projections.records()).map((r) => r.position)).toEqual([position, position]);
    }
    const { position } = await store.appendMany([
      { streamId: 'acc-2', events: [Deposited({ account: 'acc-2', amount: 3 })] },
      { streamId: 'notes', events: [Noted({ note: 'moves the checkpoints only' })] },
    ]);
    expect(await docs.get('acc-2')).toMatchObject({ balance: 3 });
    expect((await store.projections.records()).map((r) => r.position)).toEqual([position, position]);
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(await store.readAll()));
  });

  test('only projections declared inline may run inside the append', async () => {
    const error: unknown = await SqliteEventStore.open(file, {
      inlineProjections: [balanceDocuments({ name: DOCS })],
    }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
  });

  test('a failing inline apply refuses its append with the error, writes nothing of it, and the rest of its batch commits', async () => {
    const store = await open([inlineDocs({ poison: 666 }), inlineTables({ poison: 777 })]);
    await depositTo(store, 'acc-0', 1);
    const { batches } = store.stats();
    // Issued together: one group-commit transaction, each append in its own savepoint.
    const results = await Promise.allSettled([
      depositTo(store, 'acc-a', 5),
      depositTo(store, 'acc-b', 4, 666),
      depositTo(store, 'acc-c', 6),
      depositTo(store, 'acc-d', 777),
      depositTo(store, 'acc-e', 7),
    ]);
    expect(store.stats().batches).toBe(batches + 1);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([
      'Error: refusing amount 666',
      'Error: refusing amount 777',
    ]);
    // Nothing of the refused appends: no events (not even the good first one of acc-b), no read model.
    expect(await store.readStream('acc-b')).toEqual([]);
    expect(await store.readStream('acc-d')).toEqual([]);
    const log = await store.readAll();
    expect(log.map((e) => e.streamId)).toEqual(['acc-0', 'acc-a', 'acc-c', 'acc-e']);
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(log));
    expect((await store.projections.records()).map((r) => r.position)).toEqual([4n, 4n]);
    // The stream was never started: a good append to it begins at version 1.
    expect(await depositTo(store, 'acc-b', 4)).toMatchObject({ version: 1 });
    expect(await store.projections.documents<Balance>(DOCS).get('acc-b')).toMatchObject({ balance: 4 });
  });

  test('declared on a store with history, it covers that history (it used to start from the next append)', async () => {
    const plain = await SqliteEventStore.open(file);
    await depositMany(plain, 400);
    await plain.append('notes', [Noted({ note: 'last' })]);
    await plain.close();

    const store = await open();
    const head = await store.head();
    expect((await store.projections.records()).map((r) => r.position)).toEqual([head, head]);
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(await store.readAll()));
    await depositTo(store, 'acc-1', 1000);
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(await store.readAll()));
  });

  test('one that fails on an event of that history fails open, loudly, and leaves the file as it was', async () => {
    const plain = await SqliteEventStore.open(file);
    await depositTo(plain, 'acc-1', 1, 666, 2);
    await plain.close();
    await expect(
      SqliteEventStore.open(file, { inlineProjections: [inlineDocs({ poison: 666 })] }),
    ).rejects.toThrow('refusing amount 666');
    const store = await open([inlineDocs()]);
    expect(await store.projections.documents<Balance>(DOCS).get('acc-1')).toMatchObject({ balance: 669 });
  });

  test('appends through a connection that does not declare it are not skipped', async () => {
    const store = await open();
    const other = await SqliteEventStore.open(file); // say, a script or the CLI
    stores.push(other);
    await depositTo(store, 'acc-1', 1);
    await depositTo(other, 'acc-1', 2);
    await depositTo(other, 'acc-2', 3, 4);
    await depositTo(store, 'acc-1', 5);
    const log = await store.readAll();
    expect(await readBalances(store, DOCS, TABLES)).toEqual(expectedBalances(log));
    expect(await store.projections.documents<Balance>(DOCS).get('acc-1')).toMatchObject({
      balance: 8,
      deposits: 3,
      anomalies: 0,
    });
  });
});

describe('rebuilding an inline projection', () => {
  test('switches only once the new generation has every event, appends going on meanwhile', async () => {
    const docs = inlineDocs();
    const store = await open([docs]);
    await depositMany(store, 400);

    // By hand first: a new generation filled up to the head, then an append lands before the switch.
    const rebuild = await store.projections.beginRebuild(docs, await store.head());
    const head = await store.head();
    await store.projections.applyBatch(docs, rebuild.generation, await store.readAll(), 0n, head);
    await depositTo(store, 'acc-1', 50);
    await expect(store.projections.completeRebuild(docs, rebuild.generation)).rejects.toThrow(
      StaleCheckpointError,
    );
    expect(await store.projections.record(DOCS)).toMatchObject({ generation: 1, position: head + 1n });

    // A runner finishes it while writers keep appending.
    const r = runner(store, [docs]);
    await r.start();
    const writing = { on: true };
    const writer = (async () => {
      for (let i = 0; writing.on; i++) {
        await depositTo(store, `acc-${i % 25}`, i);
        await sleep(1);
      }
    })();
    await until(
      () => store.projections.record(DOCS),
      (record) => record?.generation === 2 && record.rebuild === null,
    );
    writing.on = false;
    await writer;
    await depositTo(store, 'acc-1', 1);
    const record = await store.projections.record(DOCS);
    expect(record?.position).toBe(await store.head());
    const { documents } = expectedBalances(await store.readAll());
    const reader = store.projections.documents<Balance>(DOCS);
    const all = [...(await reader.find('parity', 'even')), ...(await reader.find('parity', 'odd'))];
    expect(all.sort((a, b) => (a.account < b.account ? -1 : 1))).toEqual(documents);
  });

  test('a new version: the old generation answers, frozen, until a runner rebuilds it; then appends go to the new one', async () => {
    const v1 = await open([inlineDocs()]);
    await depositMany(v1, 200);
    await v1.close();
    stores = [];

    const docsV2 = projection({
      name: DOCS,
      version: 2,
      lifecycle: 'inline',
      handles: [Deposited],
      id: (e) => e.data.account,
      indexes: ['parity'],
      apply: (doc: (Balance & { v: number }) | undefined, e) => ({ ...addDeposit(doc, e), v: 2 }),
    });
    const store = await open([docsV2]);
    const reader = store.projections.documents<Balance & { v?: number }>(DOCS);
    const before = await reader.get('acc-1');
    expect(before).not.toHaveProperty('v');
    await depositTo(store, 'acc-1', 1000);
    expect(await reader.get('acc-1')).toEqual(before); // frozen: version 1 does not apply it

    const r = runner(store, [docsV2], 50);
    await r.start();
    await until(
      () => store.projections.record(DOCS),
      (record) => record?.version === 2 && record.rebuild === null,
    );
    const switched = await reader.get('acc-1');
    expect(switched).toMatchObject({ v: 2, balance: (before?.balance ?? 0) + 1000 });
    await depositTo(store, 'acc-1', 1);
    expect(await reader.get('acc-1')).toMatchObject({ v: 2, balance: (switched?.balance ?? 0) + 1 });
  });
});
