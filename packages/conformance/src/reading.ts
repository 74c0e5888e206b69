import { describe, expect, test } from 'vitest';
import type { ReadStreamOptions } from '@janus/core';
import { ev, events, expectValidationError, useStores } from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';

/** Read windows over a stream of versions 1..5, and the versions each one must answer. */
const windows: readonly [ReadStreamOptions, number[]][] = [
  [{}, [1, 2, 3, 4, 5]],
  [{ direction: 'forward' }, [1, 2, 3, 4, 5]],
  [{ from: 1 }, [1, 2, 3, 4, 5]],
  [{ from: 0 }, [1, 2, 3, 4, 5]],
  [{ from: 3 }, [3, 4, 5]],
  [{ from: 5 }, [5]],
  [{ from: 6 }, []],
  [{ from: 100 }, []],
  [{ limit: 2 }, [1, 2]],
  [{ limit: 5 }, [1, 2, 3, 4, 5]],
  [{ limit: 50 }, [1, 2, 3, 4, 5]],
  [{ limit: 0 }, []],
  [{ from: 2, limit: 2 }, [2, 3]],
  [{ from: 4, limit: 10 }, [4, 5]],
  [{ direction: 'backward' }, [5, 4, 3, 2, 1]],
  [{ direction: 'backward', from: 3 }, [3, 2, 1]],
  [{ direction: 'backward', from: 1 }, [1]],
  [{ direction: 'backward', from: 0 }, []],
  [{ direction: 'backward', from: 100 }, [5, 4, 3, 2, 1]],
  [{ direction: 'backward', limit: 2 }, [5, 4]],
  [{ direction: 'backward', limit: 0 }, []],
  [{ direction: 'backward', from: 4, limit: 2 }, [4, 3]],
  [{ direction: 'backward', from: 2, limit: 5 }, [2, 1]],
];

const invalidOptions: readonly ReadStreamOptions[] = [
  { limit: -1 },
  { limit: 1.5 },
  { from: -1 },
  { from: 2.5 },
  { limit: Number.NaN },
  { direction: 'sideways' as 'forward' },
];

const values: Record<string, unknown> = {
  null: null,
  true: true,
  false: false,
  zero: 0,
  negative: -17,
  float: 3.25,
  maxSafe: Number.MAX_SAFE_INTEGER,
  bigint: 123n,
  zeroBigint: 0n,
  negativeBigint: -98_765_432_109_876_543_210n,
  hugeBigint: 2n ** 128n,
  string: 'plain',
  empty: '',
  unicode: 'Grüße — 日本語 — עברית — Ελληνικά',
  emoji: '👩‍👩‍👧‍👦 🎉 🏳️‍🌈',
  escapes: `quote ' double " backslash \\ newline \n tab \t`,
  jsonLookalike: '{"$bigint":"1"}',
  sqlLookalike: "'); DROP TABLE events; --",
  array: [1, 'two', null, [3n, { four: 4 }], []],
  nested: {
    amount: { minor: 1050n, currency: 'EUR' },
    lines: [{ sku: 'ü-1', qty: 2, price: 999n }],
    flags: { a: true, b: false, c: null },
    empty: {},
    deeper: { deeper: { deeper: { deeper: { value: '🙂' } } } },
  },
};

/** Reading streams: windows, the shape of a recorded event, and data that must round-trip exactly. */
export function describeReading(target: ConformanceTarget): void {
  describe('reading streams', () => {
    const stores = useStores(target);

    /** 's' has versions 1..5; 'other' has events in between, so a reader must pick its stream's events. */
    async function fiveEvents(): Promise<StoreUnderTest> {
      const store = await stores.create();
      await store.appendMany([
        { streamId: 's', events: events(3, 's') },
        { streamId: 'other', events: events(2, 'other') },
      ]);
      await store.append('s', events(2, 's', 4));
      return store;
    }

    for (const [options, versions] of windows) {
      test(`readStream(${JSON.stringify(options)}) reads versions [${versions.join(', ')}]`, async () => {
        const store = await fiveEvents();
        const read = await store.readStream('s', options);
        expect(read.map((e) => e.version)).toEqual(versions);
        expect(read.map((e) => e.id)).toEqual(versions.map((v) => `s-${v}`));
        expect(read.every((e) => e.streamId === 's')).toBe(true);
      });
    }

    test('invalid read options are refused with ValidationError', async () => {
      const store = await fiveEvents();
      for (const options of invalidOptions) {
        await expectValidationError(store.readStream('s', options));
        await expectValidationError(store.readStream('unknown', options));
      }
    });

    test('an unknown stream reads as empty, at version 0', async () => {
      const store = await fiveEvents();
      expect(await store.readStream('unknown')).toEqual([]);
      expect(await store.readStream('unknown', { direction: 'backward', limit: 3 })).toEqual([]);
      expect(await store.readStream('unknown', { from: 2 })).toEqual([]);
      expect(await store.streamVersion('unknown')).toBe(0);
      // A stream id is matched exactly: not by prefix, not ignoring case.
      expect(await store.readStream('S')).toEqual([]);
      expect(await store.readStream('s-')).toEqual([]);
    });

    test('versions start at 1 and are contiguous across appends; streamVersion follows them', async () => {
      const store = await stores.create();
      expect(await store.streamVersion('s')).toBe(0);
      const sizes = [1, 3, 1, 2];
      let version = 0;
      for (const [i, size] of sizes.entries()) {
        const result = await store.append('s', events(size, `a${i}`), { expectedVersion: version });
        version += size;
        expect(result.version).toBe(version);
        expect(await store.streamVersion('s')).toBe(version);
      }
      const stream = await store.readStream('s');
      expect(stream.map((e) => e.version)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      const positions = stream.map((e) => e.position);
      expect([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(positions);
    });

    test('a recorded event carries its id, type, data, metadata, stream, version, position and time', async () => {
      const store = await stores.create();
      const before = Date.now();
      const result = await store.append('s', [
        ev('test.opened', { owner: 'ada' }, 'evt-1', {
          correlationId: 'c-1',
          principal: { id: 'u', roles: ['x'] },
        }),
        ev('test.renamed', { owner: 'grace' }),
      ]);
      const after = Date.now();
      const [first, second] = await store.readStream('s');
      expect(first).toEqual({
        id: 'evt-1',
        type: 'test.opened',
        data: { owner: 'ada' },
        metadata: { correlationId: 'c-1', principal: { id: 'u', roles: ['x'] } },
        streamId: 's',
        version: 1,
        position: expect.any(BigInt) as unknown,
        recordedAt: expect.any(String) as unknown,
      });
      expect(second?.metadata).toEqual({});
      expect(second?.id).toMatch(/./);
      expect(second?.id).not.toBe('evt-1');
      expect(second?.position).toBe(result.position);
      expect(typeof first?.position).toBe('bigint');
      for (const e of [first, second]) {
        const at = e?.recordedAt ?? '';
        expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        const ms = Date.parse(at);
        expect(ms).toBeGreaterThanOrEqual(before - 60_000);
        expect(ms).toBeLessThanOrEqual(after + 60_000);
      }
    });

    test('data and metadata round-trip exactly: bigint, nested objects, arrays, unicode, emoji, null', async () => {
      const store = await stores.create();
      const entries = Object.entries(values);
      await store.append(
        's',
        entries.map(([name, value]) => ev(`test.value.${name}`, value, undefined, { name, value })),
      );
      await store.append('s', [ev('test.all', values, undefined, values)]);
      const stream = await store.readStream('s');
      expect(stream.map((e) => [e.type, e.data, e.metadata])).toEqual([
        ...entries.map(([name, value]) => [`test.value.${name}`, value, { name, value }]),
        ['test.all', values, values],
      ]);
      // bigint stays bigint: toEqual would not tell 123n from a string '123' only by accident.
      expect(typeof stream.find((e) => e.type === 'test.value.hugeBigint')?.data).toBe('bigint');
      expect(await store.readAll()).toEqual(stream);
    });

    test('stream ids and event types with unicode and punctuation round-trip', async () => {
      const store = await stores.create();
      const streamId = `account-ü/🎉 "quoted" 'single' %_\\`;
      await store.append(streamId, [ev('shop.ItemAdded.v1', { sku: 'x' }, 'id with spaces ✓')]);
      const [read] = await store.readStream(streamId);
      expect(read).toMatchObject({ streamId, type: 'shop.ItemAdded.v1', id: 'id with spaces ✓', version: 1 });
      expect(await store.streamVersion(streamId)).toBe(1);
      expect(await store.readStream('account-ü/🎉 "quoted" %_')).toEqual([]);
    });

    test('what a reader gets is its own copy: changing it changes nothing stored', async () => {
      const store = await stores.create();
      const data = { list: [1, 2], nested: { value: 'a' } };
      await store.append('s', [ev('test.mutable', data)]);
      data.list.push(3);
      const [first] = await store.readStream('s');
      expect(first?.data).toEqual({ list: [1, 2], nested: { value: 'a' } });
      (first?.data as { list: number[] }).list.push(99);
      const [again] = await store.readStream('s');
      expect(again?.data).toEqual({ list: [1, 2], nested: { value: 'a' } });
    });
  });
}
