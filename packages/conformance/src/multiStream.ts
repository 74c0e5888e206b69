import { describe, expect, test } from 'vitest';
import { isConcurrencyError, type StreamAppend } from '@janus/core';
import {
  events,
  expectConcurrencyError,
  expectUnchanged,
  expectValidationError,
  picture,
  useStores,
} from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';

/** Guarantee 2: several streams, each with its own expected version, commit together or not at all. */
export function describeMultiStream(target: ConformanceTarget): void {
  describe('multi-stream append', () => {
    const stores = useStores(target);

    /** A store where 'a' is at version 2 and 'b' at version 1 ('c' does not exist). */
    async function seeded(): Promise<StoreUnderTest> {
      const store = await stores.create();
      await store.appendMany([
        { streamId: 'a', events: events(2, 'a') },
        { streamId: 'b', events: events(1, 'b') },
      ]);
      return store;
    }

    test('writes every stream with the right versions and answers one result per stream, in order', async () => {
      const store = await seeded();
      const head = await store.head();
      const result = await store.appendMany([
        { streamId: 'c', events: events(2, 'c'), expectedVersion: 'no_stream' },
        { streamId: 'a', events: events(3, 'a', 3), expectedVersion: 2 },
        { streamId: 'b', events: events(1, 'b', 2), expectedVersion: 'exists' },
      ]);
      expect(result.streams.map((s) => [s.streamId, s.version])).toEqual([
        ['c', 2],
        ['a', 5],
        ['b', 2],
      ]);
      const log = await store.readAll({ after: head });
      expect(log).toHaveLength(6);
      const positionOf = (streamId: string, version: number) =>
        log.find((e) => e.streamId === streamId && e.version === version)?.position;
      for (const s of result.streams) expect(s.position).toBe(positionOf(s.streamId, s.version));
      expect(result.position).toBe(log.at(-1)?.position);
      expect(result.position).toBe(await store.head());
      expect((await store.readStream('a')).map((e) => e.id)).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
      expect((await store.readStream('b')).map((e) => e.id)).toEqual(['b-1', 'b-2']);
      expect((await store.readStream('c')).map((e) => [e.id, e.version])).toEqual([
        ['c-1', 1],
        ['c-2', 2],
      ]);
      expect([
        await store.streamVersion('a'),
        await store.streamVersion('b'),
        await store.streamVersion('c'),
      ]).toEqual([5, 2, 2]);
    });

    for (const failing of [0, 1, 2]) {
      test(`a version mismatch on stream ${failing + 1} of 3 fails with ConcurrencyError and writes no stream`, async () => {
        const store = await seeded();
        const seen = await picture(store, ['a', 'b', 'c']);
        const appends: StreamAppend[] = [
          { streamId: 'a', events: events(2, 'a', 3), expectedVersion: 2 },
          { streamId: 'c', events: events(1, 'c'), expectedVersion: 'no_stream' },
          { streamId: 'b', events: events(1, 'b', 2), expectedVersion: 1 },
        ];
        const stale = appends.map((a, i) => (i === failing ? { ...a, expectedVersion: 7 } : a));
        const streamId = appends[failing]?.streamId;
        await expectConcurrencyError(store.appendMany(stale), streamId);
        await expectUnchanged(store, seen);
        // Nothing was reserved either: the same append with the right versions now commits.
        const result = await store.appendMany(appends);
        expect(result.streams.map((s) => s.version)).toEqual([4, 1, 2]);
      });
    }

    test('naming a stream twice in one append is refused and writes nothing', async () => {
      const store = await seeded();
      const seen = await picture(store, ['a', 'b']);
      await expectValidationError(
        store.appendMany([
          { streamId: 'a', events: events(1, 'x') },
          { streamId: 'b', events: events(1, 'y') },
          { streamId: 'a', events: events(1, 'z') },
        ]),
      );
      await expectUnchanged(store, seen);
    });

    test('an append of no streams, or to an empty stream id, is refused and writes nothing', async () => {
      const store = await seeded();
      const seen = await picture(store, ['a', 'b']);
      await expectValidationError(store.appendMany([]));
      await expectValidationError(store.append('', events(1, 'x')));
      await expectValidationError(
        store.appendMany([
          { streamId: 'a', events: events(1, 'x') },
          { streamId: '', events: events(1, 'y') },
        ]),
      );
      await expectValidationError(store.append('a', [{ type: '', data: {} }]));
      await expectUnchanged(store, seen);
    });

    test('of 10 concurrent transfers between the same two streams at the same versions exactly one wins', async () => {
      const store = await seeded();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, writer) =>
          store.appendMany([
            { streamId: 'a', events: [{ type: 'test.debited', data: { writer } }], expectedVersion: 2 },
            { streamId: 'b', events: [{ type: 'test.credited', data: { writer } }], expectedVersion: 1 },
          ]),
        ),
      );
      const winners = outcomes.flatMap((o, writer) => (o.status === 'fulfilled' ? [writer] : []));
      const losers = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(winners).toHaveLength(1);
      expect(losers.filter((e) => !isConcurrencyError(e))).toEqual([]);
      const a = await store.readStream('a');
      const b = await store.readStream('b');
      expect(a.slice(2).map((e) => e.data)).toEqual([{ writer: winners[0] }]);
      expect(b.slice(1).map((e) => e.data)).toEqual([{ writer: winners[0] }]);
      expect(await store.readAll()).toHaveLength(5);
    });

    test('concurrent multi-stream appends naming the same streams in opposite orders all commit', async () => {
      const store = await seeded();
      const orders = [
        ['a', 'b', 'c'],
        ['c', 'b', 'a'],
        ['b', 'a', 'c'],
      ];
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, writer) =>
          store.appendMany(
            (orders[writer % orders.length] ?? []).map((streamId) => ({
              streamId,
              events: [{ type: 'test.moved', data: { writer } }],
            })),
          ),
        ),
      );
      expect(results).toHaveLength(24);
      for (const [streamId, before] of [
        ['a', 2],
        ['b', 1],
        ['c', 0],
      ] as const) {
        const stream = await store.readStream(streamId);
        expect(stream.map((e) => e.version)).toEqual(Array.from({ length: before + 24 }, (_, i) => i + 1));
        expect(new Set(stream.slice(before).map((e) => (e.data as { writer: number }).writer)).size).toBe(24);
      }
      expect(await store.readAll()).toHaveLength(3 + 72);
    });
  });
}
