// append_batch writes the appends of a group commit together, and sends only those that share a stream or
// an event id, or replay stored events, one by one through a subtransaction: each append still gets its
// own expected-version check and its own result.
import { ConcurrencyError } from '@janus/core';
import { hookAppends } from '@janus/test-support/appendHook';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool } from './pool.js';
import { PostgresEventStore } from './postgresEventStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

let database: TestDatabase;

const deposit = (amount: number, id?: string) => ({
  ...(id === undefined ? {} : { id }),
  type: 'test.Deposited.v1',
  data: { amount },
});

describe.skipIf(skipPostgres)('append_batch', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_append_batch');
  });
  afterAll(async () => {
    await database.drop();
  });

  test('one batch: conflicting, replayed and same-stream appends each get their own result; the others commit', async () => {
    let batches = 0;
    const pool = hookAppends(createPool(database.url), () => {
      batches++;
      return 0;
    });
    const store = await PostgresEventStore.open(pool, { schema: 'mixed' });
    try {
      await store.append('a', [deposit(1)], { expectedVersion: 'no_stream' });
      const first = await store.append('r', [deposit(2, 'r-1'), deposit(3, 'r-2')]);
      batches = 0;

      // The first append goes alone while the others queue behind it: they form the second batch.
      const inFlight = store.append('warm', [deposit(0)]);
      const outcomes = await Promise.allSettled([
        store.append('ok-1', [deposit(1)], { expectedVersion: 'no_stream' }),
        store.append('a', [deposit(1)], { expectedVersion: 5 }),
        store.append('r', [deposit(2, 'r-1'), deposit(3, 'r-2')]),
        store.appendMany([
          { streamId: 'm', events: [deposit(1)], expectedVersion: 'no_stream' },
          { streamId: 'a', events: [deposit(1)], expectedVersion: 7 },
        ]),
        store.append('dup', [deposit(1)], { expectedVersion: 'no_stream' }),
        store.append('dup', [deposit(1)], { expectedVersion: 'no_stream' }),
        store.append('ok-2', [deposit(1), deposit(2), deposit(3)], { expectedVersion: 'any' }),
        store.appendMany([
          { streamId: 'a', events: [deposit(1)], expectedVersion: 1 },
          { streamId: 'ok-3', events: [], expectedVersion: 'no_stream' },
        ]),
        store.append('ok-4', [deposit(1)], { expectedVersion: 'exists' }),
      ]);
      await inFlight;
      expect(batches).toBe(2);

      const [ok1, a5, replay, multi, dup1, dup2, ok2, aAndEmpty, ok4] = outcomes;
      const value = <T>(outcome: PromiseSettledResult<T> | undefined): T => {
        if (outcome?.status !== 'fulfilled') throw new Error('expected a success', { cause: outcome });
        return outcome.value;
      };
      const reason = (outcome: PromiseSettledResult<unknown> | undefined): unknown => {
        if (outcome?.status !== 'rejected') throw new Error('expected a failure');
        return outcome.reason;
      };
      expect(value(ok1)).toMatchObject({ streamId: 'ok-1', version: 1 });
      expect(reason(a5)).toEqual(new ConcurrencyError('a', '5', 1));
      expect(value(replay)).toEqual(first);
      expect(reason(multi)).toEqual(new ConcurrencyError('a', '7', 1));
      expect(value(dup1)).toMatchObject({ streamId: 'dup', version: 1 });
      expect(reason(dup2)).toEqual(new ConcurrencyError('dup', 'no_stream', 1));
      expect(value(ok2)).toMatchObject({ streamId: 'ok-2', version: 3 });
      const both = value(aAndEmpty);
      expect(both.streams.map((s) => [s.streamId, s.version, s.position])).toEqual([
        ['a', 2, both.position],
        ['ok-3', 0, 0n],
      ]);
      expect(reason(ok4)).toEqual(new ConcurrencyError('ok-4', 'exists', 0));

      // What was acknowledged is what is stored, at the positions answered; nothing of the refused.
      expect(await store.streamVersion('m')).toBe(0);
      expect(await store.streamVersion('a')).toBe(2);
      expect(await store.streamVersion('dup')).toBe(1);
      expect(await store.listStreams({ prefix: 'ok-' })).toEqual([
        { streamId: 'ok-1', version: 1, position: value(ok1).position },
        { streamId: 'ok-2', version: 3, position: value(ok2).position },
      ]);
      const log = await store.readAll();
      expect(log.map((e) => e.position)).toEqual(
        [...log.map((e) => e.position)].sort((x, y) => (x < y ? -1 : 1)),
      );
      const ok2Events = log.filter((e) => e.streamId === 'ok-2');
      expect(ok2Events.map((e) => [e.version, e.data])).toEqual([
        [1, { amount: 1 }],
        [2, { amount: 2 }],
        [3, { amount: 3 }],
      ]);
      expect(ok2Events.at(-1)?.position).toBe(value(ok2).position);
      expect(log.filter((e) => e.streamId === 'a').map((e) => e.position)).toEqual([
        log[0]?.position,
        both.position,
      ]);
      expect(log.filter((e) => e.id === 'r-1' || e.id === 'r-2')).toHaveLength(2);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  test('an append that reuses some stored event ids with others is refused; its batch neighbours commit', async () => {
    const store = await PostgresEventStore.open(database.url, { schema: 'reused' });
    try {
      await store.append('x', [deposit(1, 'x-1')]);
      const inFlight = store.append('warm', [deposit(0)]);
      const [mixed, moved, fine] = await Promise.allSettled([
        store.append('x', [deposit(1, 'x-1'), deposit(2, 'x-2')]),
        store.append('y', [deposit(1, 'x-1')]),
        store.append('z', [deposit(1, 'z-1')]),
      ]);
      await inFlight;
      expect(mixed).toMatchObject({ status: 'rejected', reason: { name: 'ValidationError' } });
      expect(moved).toMatchObject({ status: 'rejected', reason: { name: 'ValidationError' } });
      expect(fine).toMatchObject({ status: 'fulfilled', value: { streamId: 'z', version: 1 } });
      expect((await store.readAll()).map((e) => e.id)).toEqual(['x-1', expect.any(String), 'z-1']);
    } finally {
      await store.close();
    }
  });
});
