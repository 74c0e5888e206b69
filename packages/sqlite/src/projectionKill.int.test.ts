import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { ProjectionRunner, type ProjectionRecord } from '@janus/core';
import { fromJson } from '@janus/core/store-kit';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';
import { exitCode, killAll, killHard, randomInt, sleep, startWorker } from './testing/killableWorker.js';
import {
  Deposited,
  Noted,
  balanceDocuments,
  balanceTables,
  expectedBalances,
  readBalances,
  type Balance,
} from './testing/projectionFixtures.js';

// Guarantee 5 (exactly-once projection effects) on real SQLite, against a real crash: a child process
// runs the projections and is SIGKILLed at random moments while a writer in this process appends.

const ACCOUNTS = 150;
const BEFORE = 5_000;
const MAX_EVENTS = 15_000;
const KILLS = 14;
const DOCS = 'kill.balances';
const TABLES = 'kill.balance-tables';

let dir: string;
let file: string;
let store: SqliteEventStore | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-kill-'));
  file = path.join(dir, 'store.db');
});

afterEach(async () => {
  await killAll();
  await store?.close();
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Appends `count` deposits: appends of 10 to one account each, several per group-commit batch, and a note. */
async function appendDeposits(events: SqliteEventStore, count: number): Promise<void> {
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < count / 10; i++) {
    const account = `acc-${randomInt(0, ACCOUNTS - 1)}`;
    const deposits = Array.from({ length: 10 }, () => Deposited({ account, amount: randomInt(1, 1000) }));
    appends.push(events.append(account, deposits));
  }
  appends.push(events.append('notes', [Noted({ note: 'not handled by any projection' })]));
  await Promise.all(appends);
}

const records = async (events: SqliteEventStore) =>
  new Map((await events.projections.records()).map((r) => [r.name, r]));

/** The documents of one generation, read from the file directly (to see leftovers of other generations). */
function documentsOf(generation: number): Map<string, Balance> {
  const db = new Sqlite(file, { readonly: true });
  try {
    const rows = db
      .prepare<[string, number], { id: string; doc: string }>(
        'SELECT id, doc FROM projection_documents WHERE projection = ? AND generation = ? ORDER BY id',
      )
      .all(DOCS, generation);
    return new Map(rows.map((r) => [r.id, fromJson(r.doc) as Balance]));
  } finally {
    db.close();
  }
}

function tablesOf(prefix: string): string[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db
      .prepare<[string], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?")
      .pluck()
      .all(`${prefix}%`);
  } finally {
    db.close();
  }
}

/** Asserts that both read models are exactly the fold of the log: no event twice, none skipped. */
async function expectExactReadModels(events: SqliteEventStore, generation: number): Promise<void> {
  const expected = expectedBalances(await events.readAll());
  const actual = await readBalances(events, DOCS, TABLES);
  // Counted by the projections themselves: a stream version seen twice or not at all.
  expect(actual.documents.filter((d) => d.anomalies > 0)).toEqual([]);
  expect(actual.rows.filter((r) => r.anomalies > 0n)).toEqual([]);
  expect(actual).toEqual(expected);
  // Read from the file: the generation answering queries holds exactly these documents.
  expect(new Map([...documentsOf(generation)].sort())).toEqual(
    new Map(expected.documents.map((d) => [d.account, d])),
  );
}

test('SIGKILL at random moments during catch-up, appends and a rebuild: the read models equal a rebuild from zero', async () => {
  store = await SqliteEventStore.open(file);
  await appendDeposits(store, BEFORE);

  // A writer in this process keeps appending while the child is started and killed.
  let appended = BEFORE;
  const writing = { on: true };
  const writer = (async () => {
    while (writing.on && appended < MAX_EVENTS) {
      await appendDeposits(store, 50);
      appended += 50;
      await sleep(randomInt(2, 10));
    }
  })();

  let behind = 0;
  let duringRebuild = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    // The second half runs version 2: an automatic rebuild, itself killed again and again.
    const version = kill < KILLS / 2 ? 1 : 2;
    const worker = startWorker('projectionWorker', [file, String(version), '10', 'run']);
    await worker.ready;
    await sleep(randomInt(20, 300));
    await killHard(worker);
    const head = await store.head();
    for (const record of (await records(store)).values()) {
      if (record.position < head) behind++;
      if (record.rebuild) duringRebuild++;
    }
  }
  writing.on = false;
  await writer;

  const finisher = startWorker('projectionWorker', [file, '2', '200', 'catch-up']);
  expect(await exitCode(finisher, 30_000)).toBe(0);

  // The kills did land in the middle of the work, not between idle polls.
  expect(behind).toBeGreaterThan(0);
  expect(duringRebuild).toBeGreaterThan(0);

  const head = await store.head();
  const after = await records(store);
  for (const name of [DOCS, TABLES]) {
    expect(after.get(name)).toMatchObject<Partial<ProjectionRecord>>({
      version: 2,
      // The rebuild started once and resumed from its own checkpoint after every kill.
      generation: 2,
      position: head,
      rebuild: null,
      failure: null,
    });
  }
  await expectExactReadModels(store, 2);
  // The old generation is gone: its documents and its tables.
  expect(documentsOf(1).size).toBe(0);
  expect(tablesOf('rm_kill_balance_tables_g1_')).toEqual([]);
  expect(tablesOf('rm_kill_balance_tables_g2_').sort()).toEqual([
    'rm_kill_balance_tables_g2_balances',
    'rm_kill_balance_tables_g2_totals',
  ]);

  // And a fresh rebuild from zero, in this process, gives the very same read models.
  const runner = new ProjectionRunner({
    log: store,
    store: store.projections,
    projections: [balanceDocuments({ name: DOCS, version: 2 }), balanceTables({ name: TABLES, version: 2 })],
    batchSize: 500,
    pollIntervalMs: 20,
  });
  await runner.start();
  try {
    await runner.rebuild(DOCS);
    await runner.rebuild(TABLES);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const now = await records(store);
      if ([DOCS, TABLES].every((n) => now.get(n)?.generation === 3 && !now.get(n)?.rebuild)) break;
      if (Date.now() > deadline) throw new Error('the rebuild did not complete');
      await sleep(20);
    }
  } finally {
    await runner.stop();
  }
  await expectExactReadModels(store, 3);
  expect(documentsOf(2).size).toBe(0);
  expect(tablesOf('rm_kill_balance_tables_g2_')).toEqual([]);
});
