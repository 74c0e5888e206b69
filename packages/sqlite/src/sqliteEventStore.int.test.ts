import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  ConcurrencyError,
  EventBus,
  ValidationError,
  type NewEvent,
  type RecordedEvent,
  type Upcasters,
} from '@janus/core';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqliteEventStore.js';
import { StoreClosedError } from '@janus/core';

let dir: string;
let opened: SqliteEventStore[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-sqlite-'));
  opened = [];
});

afterEach(async () => {
  for (const store of opened) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name = 'store.db') => path.join(dir, name);

async function open(options: SqliteEventStoreOptions = {}, name?: string): Promise<SqliteEventStore> {
  const store = await SqliteEventStore.open(file(name), options);
  opened.push(store);
  return store;
}

const deposited = (amount: bigint, id?: string): NewEvent => ({
  ...(id === undefined ? {} : { id }),
  type: 'bank.MoneyDeposited.v1',
  data: { amount },
});

const versions = (events: readonly RecordedEvent[]) => events.map((e) => e.version);

describe('appending and reading a stream', () => {
  test('events get versions from 1, increasing positions, an id, metadata and a recording time', async () => {
    const store = await open();
    const result = await store.append('account-1', [deposited(10n), deposited(20n)], {
      expectedVersion: 'no_stream',
    });
    expect(result).toEqual({ streamId: 'account-1', version: 2, position: 2n });

    const events = await store.readStream('account-1');
    expect(events).toMatchObject([
      { streamId: 'account-1', version: 1, position: 1n, data: { amount: 10n }, metadata: {} },
      { streamId: 'account-1', version: 2, position: 2n, data: { amount: 20n }, metadata: {} },
    ]);
    for (const event of events) {
      expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
    }
    expect(await store.streamVersion('account-1')).toBe(2);
  });

  test('an unknown stream reads as empty and has version 0', async () => {
    const store = await open();
    expect(await store.readStream('nope')).toEqual([]);
    expect(await store.readStream('nope', { direction: 'backward' })).toEqual([]);
    expect(await store.streamVersion('nope')).toBe(0);
  });

  test('data and metadata round-trip, including null, undefined, nested bigints and arrays', async () => {
    const store = await open();
    const data = { big: 12345678901234567890n, list: [1n, 'two', { three: 3 }], none: null };
    await store.append('s', [
      { type: 't', data, metadata: { correlationId: 'c-1', amount: -5n } },
      { type: 't', data: null },
      { type: 't', data: undefined },
      { type: 't', data: 'just a string' },
    ]);
    const events = await store.readStream('s');
    expect(events.map((e) => e.data)).toEqual([data, null, undefined, 'just a string']);
    expect(events[0]?.metadata).toEqual({ correlationId: 'c-1', amount: -5n });
  });

  test('the stored event is what was passed at the call, even if the caller changes it afterwards', async () => {
    const store = await open();
    const data = { n: 1 };
    const events = [{ type: 't', data }];
    const appended = store.append('s', events);
    data.n = 2;
    events.push({ type: 't', data });
    await appended;
    expect((await store.readStream('s')).map((e) => e.data)).toEqual([{ n: 1 }]);
  });

  test('readStream reads forward from a version, backward from a version, with a limit', async () => {
    const store = await open();
    await store.append(
      's',
      Array.from({ length: 10 }, (_, i) => deposited(BigInt(i + 1))),
    );
    expect(versions(await store.readStream('s', { from: 4, limit: 3 }))).toEqual([4, 5, 6]);
    expect(versions(await store.readStream('s', { from: 9 }))).toEqual([9, 10]);
    expect(versions(await store.readStream('s', { from: 0, limit: 2 }))).toEqual([1, 2]);
    expect(versions(await store.readStream('s', { from: 11 }))).toEqual([]);
    expect(versions(await store.readStream('s', { direction: 'backward', limit: 3 }))).toEqual([10, 9, 8]);
    expect(versions(await store.readStream('s', { direction: 'backward', from: 4 }))).toEqual([4, 3, 2, 1]);
    expect(versions(await store.readStream('s', { direction: 'backward', from: 50, limit: 1 }))).toEqual([
      10,
    ]);
    expect(await store.readStream('s', { direction: 'backward', from: 0 })).toEqual([]);
    expect(await store.readStream('s', { limit: 0 })).toEqual([]);
  });

  test('invalid read options are a ValidationError', async () => {
    const store = await open();
    await expect(store.readStream('s', { from: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.readStream('s', { limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.readStream('s', { direction: 'sideways' as 'forward' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.readAll({ after: -1n })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.readAll({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('expected versions', () => {
  test('no_stream, exists, an exact version and any', async () => {
    const store = await open();
    await expect(store.append('s', [deposited(1n)], { expectedVersion: 'exists' })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await store.append('s', [deposited(1n)], { expectedVersion: 'no_stream' });
    await expect(store.append('s', [deposited(1n)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await store.append('s', [deposited(2n)], { expectedVersion: 'exists' });
    await store.append('s', [deposited(3n)], { expectedVersion: 2 });
    await expect(store.append('s', [deposited(4n)], { expectedVersion: 2 })).rejects.toMatchObject({
      code: 'concurrency-conflict',
      streamId: 's',
      expected: '2',
      actual: 3,
    });
    await store.append('s', [deposited(4n)], { expectedVersion: 'any' });
    await store.append('s', [deposited(5n)]);
    expect(await store.streamVersion('s')).toBe(5);
  });

  test('an invalid request is rejected and writes nothing', async () => {
    const store = await open();
    await expect(store.append('', [deposited(1n)])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.append('s', [{ type: '', data: 1 }])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.appendMany([])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.append('s', [deposited(1n)], { expectedVersion: -1 })).rejects.toThrow(
      'invalid expected version',
    );
    expect(await store.head()).toBe(0n);
  });
});

describe('appendMany', () => {
  test('writes several streams in one transaction and answers per stream', async () => {
    const store = await open();
    await store.append('a', [deposited(1n)]);
    const result = await store.appendMany([
      { streamId: 'a', events: [deposited(2n)], expectedVersion: 1 },
      { streamId: 'b', events: [deposited(3n), deposited(4n)], expectedVersion: 'no_stream' },
    ]);
    expect(result).toEqual({
      streams: [
        { streamId: 'a', version: 2, position: 2n },
        { streamId: 'b', version: 2, position: 4n },
      ],
      position: 4n,
    });
  });

  test('one stream failing its expected version writes none of them', async () => {
    const store = await open();
    await store.append('a', [deposited(1n)]);
    await expect(
      store.appendMany([
        { streamId: 'b', events: [deposited(2n)], expectedVersion: 'no_stream' },
        { streamId: 'a', events: [deposited(3n)], expectedVersion: 0 },
      ]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion('b')).toBe(0);
    expect(await store.head()).toBe(1n);
  });

  test('a stream with no events keeps its version and answers its last position', async () => {
    const store = await open();
    await store.append('a', [deposited(1n), deposited(2n)]);
    await store.append('b', [deposited(3n)]);
    expect(await store.append('a', [], { expectedVersion: 2 })).toEqual({
      streamId: 'a',
      version: 2,
      position: 2n,
    });
    expect(await store.append('new', [])).toEqual({ streamId: 'new', version: 0, position: 0n });
    expect(await store.streamVersion('new')).toBe(0);
  });
});

describe('idempotent appends', () => {
  test('re-appending the same event ids returns the first result and writes nothing', async () => {
    const store = await open();
    const first = await store.append('s', [deposited(1n, 'e-1'), deposited(2n, 'e-2')], {
      expectedVersion: 'no_stream',
    });
    await store.append('other', [deposited(3n)]);
    const again = await store.append('s', [deposited(1n, 'e-1'), deposited(2n, 'e-2')], {
      expectedVersion: 'no_stream',
    });
    expect(again).toEqual(first);
    expect(await store.head()).toBe(3n);
    expect((await store.readStream('s')).map((e) => e.id)).toEqual(['e-1', 'e-2']);
  });

  test('ids of which only some were appended before are a ValidationError', async () => {
    const store = await open();
    await store.append('s', [deposited(1n, 'e-1')]);
    await expect(store.append('s', [deposited(1n, 'e-1'), deposited(2n, 'e-2')])).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.append('elsewhere', [deposited(1n, 'e-1')])).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('the global log', () => {
  test('readAll returns events after a position, in position order, with a limit; head is the last', async () => {
    const store = await open();
    expect(await store.head()).toBe(0n);
    expect(await store.readAll()).toEqual([]);
    await store.append('a', [deposited(1n), deposited(2n)]);
    await store.append('b', [deposited(3n)]);
    await store.append('a', [deposited(4n)]);
    const all = await store.readAll();
    expect(all.map((e) => [e.streamId, e.position])).toEqual([
      ['a', 1n],
      ['a', 2n],
      ['b', 3n],
      ['a', 4n],
    ]);
    expect((await store.readAll({ after: 1n, limit: 2 })).map((e) => e.position)).toEqual([2n, 3n]);
    expect(await store.readAll({ after: 4n })).toEqual([]);
    expect(await store.readAll({ limit: 0 })).toEqual([]);
    expect(await store.head()).toBe(4n);
  });

  test('listeners and the event bus hear of an append after its commit, with the events as stored', async () => {
    const bus = new EventBus();
    const published: RecordedEvent[] = [];
    bus.on('*', (event) => {
      published.push(event);
    });
    const store = await open({ eventBus: bus });
    const other = new Sqlite(file(), { readonly: true });
    const seenByOtherConnection: unknown[] = [];
    store.onAppended(() => {
      seenByOtherConnection.push(other.prepare('SELECT count(*) FROM events').pluck().get());
    });
    await store.append('s', [deposited(7n)], {});
    await vi.waitFor(() => {
      expect(published).toHaveLength(1);
    });
    other.close();
    expect(seenByOtherConnection).toEqual([1]);
    expect(published[0]).toMatchObject({ streamId: 's', version: 1, position: 1n, data: { amount: 7n } });
  });
});

describe('upcasters', () => {
  test('apply on every read, chained', async () => {
    const upcasters: Upcasters = {
      'x.v1': (e) => ({ type: 'x.v2', data: { ...(e.data as object), two: true } }),
      'x.v2': (e) => ({ type: 'x.v3', data: { ...(e.data as object), three: true }, metadata: { up: 1 } }),
    };
    const store = await open({ upcasters });
    await store.append('s', [{ type: 'x.v1', data: { one: true } }]);
    const expected = { type: 'x.v3', data: { one: true, two: true, three: true }, metadata: { up: 1 } };
    expect((await store.readStream('s'))[0]).toMatchObject(expected);
    expect((await store.readAll())[0]).toMatchObject(expected);
  });
});

describe('snapshots', () => {
  test('round-trip by stream and name, bigints included, and a later write replaces an earlier one', async () => {
    const store = await open();
    expect(await store.readSnapshot('s', 'account.v1')).toBeUndefined();
    const state = { status: 'open', balance: 9007199254740993n, owners: ['ann'] };
    await store.writeSnapshot('s', 'account.v1', { version: 3, state });
    await store.writeSnapshot('s', 'other.v1', { version: 1, state: null });
    expect(await store.readSnapshot('s', 'account.v1')).toEqual({ version: 3, state });
    expect(await store.readSnapshot('s', 'other.v1')).toEqual({ version: 1, state: null });
    await store.writeSnapshot('s', 'account.v1', { version: 5, state: { ...state, balance: -1n } });
    expect(await store.readSnapshot('s', 'account.v1')).toEqual({
      version: 5,
      state: { ...state, balance: -1n },
    });
    await expect(store.writeSnapshot('s', 'n', { version: -1, state })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('durability', () => {
  test('closing and reopening the file keeps events, streams, positions and snapshots', async () => {
    const first = await SqliteEventStore.open(file());
    await first.append('a', [deposited(1n), deposited(2n)]);
    await first.append('b', [deposited(3n)]);
    await first.writeSnapshot('a', 'account.v1', { version: 2, state: { balance: 3n } });
    const before = await first.readAll();
    await first.close();

    const second = await open();
    expect(await second.readAll()).toEqual(before);
    expect(await second.streamVersion('a')).toBe(2);
    expect(await second.readSnapshot('a', 'account.v1')).toEqual({ version: 2, state: { balance: 3n } });
    await expect(second.append('a', [deposited(4n)], { expectedVersion: 1 })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect(await second.append('a', [deposited(4n)], { expectedVersion: 2 })).toEqual({
      streamId: 'a',
      version: 3,
      position: 4n,
    });
  });

  test('the file is in WAL mode and appends are fsynced (synchronous=FULL) unless told otherwise', async () => {
    const pragma = vi.spyOn(Sqlite.prototype, 'pragma');
    try {
      await open({}, 'full.db');
      await open({ synchronous: 'NORMAL' }, 'normal.db');
      const calls = pragma.mock.calls.map(([source]) => source);
      expect(calls).toContain('synchronous = FULL');
      expect(calls).toContain('synchronous = NORMAL');
      expect(calls.indexOf('journal_mode = WAL')).toBeLessThan(calls.indexOf('synchronous = FULL'));
    } finally {
      pragma.mockRestore();
    }
    const check = new Sqlite(file('full.db'), { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.close();
  });

  test('invalid options are refused', async () => {
    await expect(SqliteEventStore.open(file(), { synchronous: 'OFF' as 'FULL' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(SqliteEventStore.open(file(), { busyTimeoutMs: -1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('several connections to one file', () => {
  test('two stores on one file check expected versions against each other and share one log', async () => {
    const a = await open();
    const b = await open();
    await a.append('s', [deposited(1n)], { expectedVersion: 'no_stream' });
    await expect(b.append('s', [deposited(2n)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await b.append('s', [deposited(2n)], { expectedVersion: 1 });
    const outcomes = await Promise.allSettled([
      a.append('s', [deposited(3n)], { expectedVersion: 2 }),
      b.append('s', [deposited(4n)], { expectedVersion: 2 }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await a.readAll()).map((e) => [e.version, e.position])).toEqual([
      [1, 1n],
      [2, 2n],
      [3, 3n],
    ]);
    expect(await b.head()).toBe(3n);
  });

  test('an append waits busyTimeoutMs for another writer, then fails with SQLITE_BUSY', async () => {
    const store = await open({ busyTimeoutMs: 100 });
    const writer = new Sqlite(file());
    writer.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await expect(store.append('s', [deposited(1n)])).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    writer.exec('ROLLBACK');
    writer.close();
    await store.append('s', [deposited(1n)]);
    expect(await store.head()).toBe(1n);
  });
});

describe('close', () => {
  test('writes the pending appends before closing the file', async () => {
    const store = await SqliteEventStore.open(file());
    const pending = [store.append('a', [deposited(1n)]), store.append('b', [deposited(2n)])];
    await store.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(2);
    const reopened = await open();
    expect(await reopened.head()).toBe(2n);
  });

  test('every operation after close rejects with StoreClosedError; closing again is fine', async () => {
    const store = await SqliteEventStore.open(file());
    await store.close();
    await store.close();
    const operations: Promise<unknown>[] = [
      store.append('s', [deposited(1n)]),
      store.appendMany([{ streamId: 's', events: [deposited(1n)] }]),
      store.readStream('s'),
      store.streamVersion('s'),
      store.readAll(),
      store.head(),
      store.readSnapshot('s', 'n'),
      store.writeSnapshot('s', 'n', { version: 1, state: {} }),
    ];
    for (const operation of operations) {
      await expect(operation).rejects.toBeInstanceOf(StoreClosedError);
    }
    await expect(store.head()).rejects.toThrow(`the SQLite event store '${file()}' is closed`);
  });
});

describe('sizes and characters', () => {
  test('a 1 MiB event round-trips', async () => {
    const store = await open();
    const blob = 'x'.repeat(1024 * 1024 - 7) + 'é€😀';
    await Promise.all([
      store.append('big', [{ type: 'blob', data: { blob } }]),
      store.append('big-2', [{ type: 'blob', data: { blob: blob.toUpperCase() } }]),
    ]);
    const [event] = await store.readStream('big');
    expect((event?.data as { blob: string }).blob).toBe(blob);
    expect(((await store.readAll())[1]?.data as { blob: string }).blob).toBe(blob.toUpperCase());
  });

  test('unicode stream ids, types, data and metadata round-trip', async () => {
    const store = await open();
    const streamId = 'konto-Zürich-😀-口座-𝄞';
    const data = { name: 'Ἀθηνᾶ 🦉', emoji: '👩‍👩‍👧‍👦', rtl: 'مرحبا', combining: 'e\u0301' };
    await store.append(streamId, [{ type: 'bank.Ünïcode.v1', data, metadata: { note: '✓' } }]);
    await store.append('konto-Zürich-😀-口座', [{ type: 't', data: 'a near miss' }]);
    const [event] = await store.readStream(streamId);
    expect(event).toMatchObject({ streamId, type: 'bank.Ünïcode.v1', data, metadata: { note: '✓' } });
    expect(await store.streamVersion(streamId)).toBe(1);
    expect((await store.readAll()).map((e) => e.streamId)).toEqual([streamId, 'konto-Zürich-😀-口座']);
  });

  test('a stream of 10,000 events reads forward and backward', async () => {
    const store = await open();
    for (let chunk = 0; chunk < 10; chunk++) {
      const events = Array.from({ length: 1000 }, (_, i) => deposited(BigInt(chunk * 1000 + i + 1)));
      await store.append('long', events, { expectedVersion: chunk * 1000 });
    }
    const forward = await store.readStream('long');
    expect(forward).toHaveLength(10_000);
    expect(forward.every((e, i) => e.version === i + 1 && e.position === BigInt(i + 1))).toBe(true);
    expect(forward.at(-1)?.data).toEqual({ amount: 10_000n });

    const backward = await store.readStream('long', { direction: 'backward' });
    expect(backward).toHaveLength(10_000);
    expect(backward.every((e, i) => e.version === 10_000 - i)).toBe(true);

    expect(versions(await store.readStream('long', { from: 9_998 }))).toEqual([9_998, 9_999, 10_000]);
    expect(
      versions(await store.readStream('long', { direction: 'backward', from: 5_000, limit: 3 })),
    ).toEqual([5_000, 4_999, 4_998]);
    expect(await store.streamVersion('long')).toBe(10_000);
    expect((await store.readAll({ after: 9_990n })).map((e) => e.version)).toHaveLength(10);
  });
});
