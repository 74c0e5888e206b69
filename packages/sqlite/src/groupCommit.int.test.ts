import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { ConcurrencyError, ValidationError, type NewEvent } from '@janus/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GroupCommit } from './groupCommit.js';
import { SqliteEventStore } from './sqliteEventStore.js';

let dir: string;
let store: SqliteEventStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-sqlite-'));
  store = await SqliteEventStore.open(path.join(dir, 'store.db'));
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const one = (n: number): NewEvent[] => [{ type: 'test.Happened.v1', data: { n } }];

describe('group commit in the store', () => {
  test('32 concurrent appends all succeed in one transaction', async () => {
    const before = store.stats();
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) => store.append(`s-${i}`, one(i), { expectedVersion: 'no_stream' })),
    );
    expect(store.stats()).toEqual({ batches: before.batches + 1, appends: before.appends + 32 });
    expect(results.map((r) => r.position)).toEqual(Array.from({ length: 32 }, (_, i) => BigInt(i + 1)));
    expect(await store.head()).toBe(32n);
  });

  test('of 20 concurrent appends at the same expected version, exactly one wins', async () => {
    await store.append('contested', one(0));
    const before = store.stats();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.append('contested', one(i + 1), { expectedVersion: 1 })),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.flatMap((o): unknown[] => (o.status === 'rejected' ? [o.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const error of lost) expect(error).toBeInstanceOf(ConcurrencyError);
    expect(store.stats().batches).toBe(before.batches + 1);
    expect(await store.streamVersion('contested')).toBe(2);
    expect(await store.readStream('contested')).toHaveLength(2);
  });

  test('a failing append in a batch fails alone; the others commit without gaps in positions', async () => {
    await store.append('taken', one(0));
    const before = store.stats();
    const outcomes = await Promise.allSettled([
      store.append('a', one(1)),
      store.append('taken', one(2), { expectedVersion: 'no_stream' }),
      store.append('b', one(3)),
      store.appendMany([
        { streamId: 'c', events: one(4) },
        { streamId: 'd', events: [{ type: '', data: 5 }] },
      ]),
      store.appendMany([
        { streamId: 'e', events: one(6) },
        { streamId: 'taken', events: one(7), expectedVersion: 5 },
      ]),
      store.append('f', one(8)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    const reasons = outcomes.flatMap((o): unknown[] => (o.status === 'rejected' ? [o.reason] : []));
    expect(reasons[0]).toBeInstanceOf(ConcurrencyError);
    expect(reasons[1]).toBeInstanceOf(ValidationError);
    expect(reasons[2]).toBeInstanceOf(ConcurrencyError);
    expect(store.stats()).toEqual({ batches: before.batches + 1, appends: before.appends + 3 });
    // Rolled-back appends leave no trace, not even a hole in the positions.
    expect((await store.readAll()).map((e) => [e.streamId, e.position])).toEqual([
      ['taken', 1n],
      ['a', 2n],
      ['b', 3n],
      ['f', 4n],
    ]);
    for (const stream of ['c', 'd', 'e']) expect(await store.streamVersion(stream)).toBe(0);
    expect(await store.streamVersion('taken')).toBe(1);
  });

  test('an append that fails after writing some of its events is rolled back whole', async () => {
    // A trigger makes the second stream's insert fail after the first stream's events were written.
    const other = new Sqlite(path.join(dir, 'store.db'));
    other.exec(`
      CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type = 'test.Refused.v1'
      BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;
    `);
    other.close();
    const outcomes = await Promise.allSettled([
      store.append('before', one(1)),
      store.appendMany([
        { streamId: 'written-first', events: [...one(2), ...one(3)] },
        { streamId: 'refused', events: [{ type: 'test.Refused.v1', data: 4 }] },
      ]),
      store.append('after', one(5)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: { message: 'refused by a test trigger' } });
    expect(store.stats()).toEqual({ batches: 1, appends: 2 });
    expect((await store.readAll()).map((e) => [e.streamId, e.position])).toEqual([
      ['before', 1n],
      ['after', 2n],
    ]);
    expect(await store.streamVersion('written-first')).toBe(0);
  });

  test('within a batch, an append sees the appends queued before it', async () => {
    const [first, second, replay] = await Promise.all([
      store.append('s', [{ id: 'e-1', type: 't', data: 1 }], { expectedVersion: 'no_stream' }),
      store.append('s', [{ id: 'e-2', type: 't', data: 2 }], { expectedVersion: 1 }),
      store.append('s', [{ id: 'e-1', type: 't', data: 1 }], { expectedVersion: 'no_stream' }),
    ]);
    expect(store.stats().batches).toBe(1);
    expect(first).toEqual({ streamId: 's', version: 1, position: 1n });
    expect(second).toEqual({ streamId: 's', version: 2, position: 2n });
    expect(replay).toEqual(first);
  });

  test('appends awaited one after another are separate transactions', async () => {
    for (let i = 0; i < 3; i++) await store.append('s', one(i));
    expect(store.stats()).toEqual({ batches: 3, appends: 3 });
  });

  test('followers are woken once per batch, after its commit', async () => {
    let wakes = 0;
    store.onAppended(() => wakes++);
    await Promise.all([store.append('a', one(1)), store.append('b', one(2))]);
    await Promise.allSettled([store.append('a', one(3), { expectedVersion: 'no_stream' })]);
    expect(wakes).toBe(1);
  });
});

describe('GroupCommit', () => {
  // A deferred foreign key is checked at COMMIT: a way to make COMMIT itself fail.
  function database(): Sqlite.Database {
    const db = new Sqlite(path.join(dir, 'group.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED
      );
    `);
    return db;
  }

  test('promises settle after COMMIT, when another connection sees the writes', async () => {
    const db = database();
    const other = new Sqlite(path.join(dir, 'group.db'), { readonly: true });
    const commits = new GroupCommit<number>(db, () => undefined);
    const insert = db.prepare('INSERT INTO parent (id) VALUES (?)');
    const count = other.prepare('SELECT count(*) FROM parent').pluck();
    const seen = await Promise.all(
      [1, 2, 3].map((id) =>
        commits
          .run(() => Number(insert.run(id).lastInsertRowid))
          .then((value) => ({ value, visible: count.get() })),
      ),
    );
    expect(seen).toEqual([
      { value: 1, visible: 3 },
      { value: 2, visible: 3 },
      { value: 3, visible: 3 },
    ]);
    expect(commits.stats()).toEqual({ batches: 1, jobs: 3 });
    other.close();
    db.close();
  });

  test('when COMMIT fails, every job of the batch rejects and nothing is written', async () => {
    const db = database();
    const committed: number[][] = [];
    const commits = new GroupCommit<number>(db, (values) => committed.push([...values]));
    const parent = db.prepare('INSERT INTO parent (id) VALUES (?)');
    const orphan = db.prepare('INSERT INTO child (id, parent_id) VALUES (?, 999)');
    const outcomes = await Promise.allSettled([
      commits.run(() => Number(parent.run(1).lastInsertRowid)),
      commits.run(() => Number(orphan.run(1).lastInsertRowid)),
      commits.run(() => {
        throw new Error('fails on its own');
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes[0]).toMatchObject({ reason: { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' } });
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(0);
    expect(committed).toEqual([]);
    expect(commits.stats()).toEqual({ batches: 0, jobs: 0 });

    // The connection is usable again for the next batch.
    await expect(commits.run(() => Number(parent.run(2).lastInsertRowid))).resolves.toBe(2);
    expect(committed).toEqual([[2]]);
    db.close();
  });

  test('a job that throws after writing leaves nothing behind; the others commit', async () => {
    const db = database();
    const commits = new GroupCommit<number>(db, () => undefined);
    const insert = db.prepare('INSERT INTO parent (id) VALUES (?)');
    const outcomes = await Promise.allSettled([
      commits.run(() => Number(insert.run(1).lastInsertRowid)),
      commits.run(() => {
        insert.run(2);
        insert.run(3);
        throw new Error('fails after writing');
      }),
      commits.run(() => Number(insert.run(4).lastInsertRowid)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT id FROM parent ORDER BY id').pluck().all()).toEqual([1, 4]);
    expect(commits.stats()).toEqual({ batches: 1, jobs: 2 });
    db.close();
  });

  test('flush writes the queued jobs at once', async () => {
    const db = database();
    const commits = new GroupCommit<number>(db, () => undefined);
    const job = commits.run(() =>
      Number(db.prepare('INSERT INTO parent (id) VALUES (7)').run().lastInsertRowid),
    );
    commits.flush();
    expect(db.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(1);
    await expect(job).resolves.toBe(7);
    db.close();
  });
});
