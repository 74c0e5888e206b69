import { describe, expect, test } from 'vitest';
import { isConcurrencyError, type AppendResult, type ExpectedVersion, type NewEvent } from '@janus/core';
import {
  events,
  expectConcurrencyError,
  expectUnchanged,
  picture,
  rejection,
  show,
  useStores,
  written,
} from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';

type Via = 'append' | 'appendMany';

function appendVia(
  store: StoreUnderTest,
  via: Via,
  streamId: string,
  newEvents: readonly NewEvent[],
  expectedVersion: ExpectedVersion | undefined,
): Promise<AppendResult> {
  if (via === 'append') return store.append(streamId, newEvents, { expectedVersion });
  return store
    .appendMany([{ streamId, events: newEvents, expectedVersion }])
    .then((result) => result.streams[0] as AppendResult);
}

interface Case {
  readonly expected: ExpectedVersion | undefined;
  /** The version of the stream before the append: 0 (no stream) or 2. */
  readonly before: 0 | 2;
  readonly writes: boolean;
}

const cases: readonly Case[] = [
  { expected: undefined, before: 0, writes: true },
  { expected: undefined, before: 2, writes: true },
  { expected: 'any', before: 0, writes: true },
  { expected: 'any', before: 2, writes: true },
  { expected: 'no_stream', before: 0, writes: true },
  { expected: 'no_stream', before: 2, writes: false },
  { expected: 'exists', before: 0, writes: false },
  { expected: 'exists', before: 2, writes: true },
  { expected: 0, before: 0, writes: true },
  { expected: 0, before: 2, writes: false },
  { expected: 1, before: 0, writes: false },
  { expected: 1, before: 2, writes: false },
  { expected: 2, before: 0, writes: false },
  { expected: 2, before: 2, writes: true },
  { expected: 3, before: 2, writes: false },
];

const invalidVersions: readonly unknown[] = [-1, 1.5, 'foo', '1', Number.NaN, Infinity, 2 ** 53, 'ANY'];

const label = (v: unknown) =>
  v === undefined
    ? 'left out'
    : typeof v === 'string'
      ? `'${v}'`
      : typeof v === 'number'
        ? String(v)
        : show(v);

/** Guarantee 1: optimistic concurrency, for every form of expected version. */
export function describeExpectedVersion(target: ConformanceTarget): void {
  describe('expected version', () => {
    const stores = useStores(target);

    async function storeWithStream(before: number): Promise<StoreUnderTest> {
      const store = await stores.create();
      await store.append('other', events(1, 'other'));
      if (before > 0) await store.append('s', events(before, 'seed'));
      return store;
    }

    for (const via of ['append', 'appendMany'] as const) {
      describe(via, () => {
        for (const { expected, before, writes } of cases) {
          const on = before === 0 ? 'a stream that does not exist' : `a stream at version ${before}`;
          const name = writes ? 'appends' : 'fails with ConcurrencyError and writes nothing';
          test(`expectedVersion ${label(expected)} on ${on} ${name}`, async () => {
            const store = await storeWithStream(before);
            const seen = await picture(store, ['s', 'other']);
            const attempt = appendVia(store, via, 's', events(2, 'new', before + 1), expected);
            if (!writes) {
              await expectConcurrencyError(attempt, 's', before);
              await expectUnchanged(store, seen);
              return;
            }
            const result = await attempt;
            expect(result.streamId).toBe('s');
            expect(result.version).toBe(before + 2);
            const stream = await store.readStream('s');
            expect(stream.map((e) => e.version)).toEqual(Array.from({ length: before + 2 }, (_, i) => i + 1));
            expect(stream.at(-1)?.position).toBe(result.position);
            expect(stream.slice(before).map((e) => e.id)).toEqual([`new-${before + 1}`, `new-${before + 2}`]);
            expect(await store.streamVersion('s')).toBe(before + 2);
            expect(await store.head()).toBe(result.position);
          });
        }

        for (const invalid of invalidVersions) {
          test(`an invalid expected version ${label(invalid)} is refused and writes nothing`, async () => {
            const store = await storeWithStream(2);
            const seen = await picture(store, ['s', 'fresh', 'other']);
            for (const streamId of ['s', 'fresh']) {
              const error = await rejection(
                appendVia(store, via, streamId, events(1, `bad-${streamId}`), invalid as ExpectedVersion),
              );
              expect(error).toBeInstanceOf(Error);
              expect(isConcurrencyError(error)).toBe(false);
            }
            await expectUnchanged(store, seen);
          });
        }
      });
    }

    test('leaving the options out, passing {} and passing expectedVersion: undefined all mean any', async () => {
      const store = await stores.create();
      await store.append('s', events(1, 'a'));
      await store.append('s', events(1, 'b'), {});
      await store.append('s', events(1, 'c'), { expectedVersion: undefined });
      await store.appendMany([{ streamId: 's', events: events(1, 'd') }]);
      expect((await store.readStream('s')).map((e) => [e.id, e.version])).toEqual([
        ['a-1', 1],
        ['b-1', 2],
        ['c-1', 3],
        ['d-1', 4],
      ]);
    });

    test('a writer that reads the version and appends with it moves the stream on; the stale version then fails', async () => {
      const store = await stores.create();
      for (let i = 1; i <= 4; i++) {
        const version = await store.streamVersion('s');
        const result = await store.append('s', events(1, `w${i}`), { expectedVersion: version });
        expect(result.version).toBe(version + 1);
      }
      const seen = await picture(store, ['s']);
      await expectConcurrencyError(store.append('s', events(1, 'stale'), { expectedVersion: 3 }), 's', 4);
      await expectUnchanged(store, seen);
    });

    const contests: readonly { expected: ExpectedVersion; before: number }[] = [
      { expected: 'no_stream', before: 0 },
      { expected: 0, before: 0 },
      { expected: 2, before: 2 },
    ];
    for (const { expected, before } of contests) {
      test(`of 20 concurrent appends with expectedVersion ${label(expected)} exactly one wins`, async () => {
        const store = await stores.create();
        if (before > 0) await store.append('s', events(before, 'seed'));
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, writer) =>
            store.append(
              's',
              [
                { type: 'test.contested', data: { writer, n: 1 } },
                { type: 'test.contested', data: { writer, n: 2 } },
              ],
              { expectedVersion: expected },
            ),
          ),
        );
        const winners = outcomes.flatMap((o, writer) =>
          o.status === 'fulfilled' ? [{ writer, ...o.value }] : [],
        );
        const losers = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(winners).toHaveLength(1);
        expect(losers.filter((e) => !isConcurrencyError(e))).toEqual([]);
        expect(losers).toHaveLength(19);
        const [winner] = winners;
        expect(winner?.version).toBe(before + 2);
        const stream = await store.readStream('s');
        expect(stream.slice(before).map(written)).toEqual([
          {
            streamId: 's',
            version: before + 1,
            type: 'test.contested',
            data: { writer: winner?.writer, n: 1 },
          },
          {
            streamId: 's',
            version: before + 2,
            type: 'test.contested',
            data: { writer: winner?.writer, n: 2 },
          },
        ]);
        expect(await store.readAll()).toHaveLength(before + 2);
        expect(await store.streamVersion('s')).toBe(before + 2);
      });
    }

    test("20 concurrent appends with 'any' all commit, with contiguous versions and none lost", async () => {
      const store = await stores.create();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, writer) =>
          store.append('s', [
            { type: 'test.raced', data: { writer, n: 1 } },
            { type: 'test.raced', data: { writer, n: 2 } },
          ]),
        ),
      );
      const stream = await store.readStream('s');
      expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      // Each append's two events are adjacent, and its result names the second one.
      for (const [writer, result] of results.entries()) {
        const last = stream[result.version - 1];
        const first = stream[result.version - 2];
        expect(last?.data).toEqual({ writer, n: 2 });
        expect(first?.data).toEqual({ writer, n: 1 });
        expect(last?.position).toBe(result.position);
      }
    });
  });
}
