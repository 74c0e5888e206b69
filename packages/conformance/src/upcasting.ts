import { describe, expect, test } from 'vitest';
import { subscribe, type NewEvent, type RecordedEvent, type Upcasters } from '@janus/core';
import { ev, useStores } from './support.js';
import type { ConformanceTarget } from './target.js';

/** x.v1 { amount: number } → x.v2 { cents: bigint } → x.v3 { money: { cents, currency } } with metadata. */
export const upcasters: Upcasters = {
  'x.v1': (e) => ({ type: 'x.v2', data: { cents: BigInt((e.data as { amount: number }).amount) * 100n } }),
  'x.v2': (e) => ({
    type: 'x.v3',
    data: { money: { cents: (e.data as { cents: bigint }).cents, currency: 'EUR' } },
    metadata: { ...e.metadata, upcast: true },
  }),
};

/** What the events of `oldAndNew()` read as, through the upcasters. */
export const upcastEvents = [
  {
    id: 'v1',
    type: 'x.v3',
    data: { money: { cents: 500n, currency: 'EUR' } },
    metadata: { by: 'old', upcast: true },
  },
  { id: 'v2', type: 'x.v3', data: { money: { cents: 7n, currency: 'EUR' } }, metadata: { upcast: true } },
  { id: 'v3', type: 'x.v3', data: { money: { cents: 1n, currency: 'USD' } }, metadata: {} },
  { id: 'y', type: 'y.v1', data: { amount: 3 }, metadata: {} },
];

/** The same events as stored, without upcasters. */
export const storedEvents = [
  { id: 'v1', type: 'x.v1', data: { amount: 5 }, metadata: { by: 'old' } },
  { id: 'v2', type: 'x.v2', data: { cents: 7n }, metadata: {} },
  { id: 'v3', type: 'x.v3', data: { money: { cents: 1n, currency: 'USD' } }, metadata: {} },
  { id: 'y', type: 'y.v1', data: { amount: 3 }, metadata: {} },
];

/** The events to append: one x.v1, one x.v2, one x.v3 and an unrelated type. */
export const oldAndNew = (): NewEvent[] => storedEvents.map((e) => ev(e.type, e.data, e.id, e.metadata));

export const shape = (e: RecordedEvent) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });

/** Stores apply upcasters on every read, chaining v1 → v2 → v3; what is stored stays as written. */
export function describeUpcasting(target: ConformanceTarget): void {
  describe('upcasting', () => {
    const stores = useStores(target);

    test('events appended as v1 and v2 read as v3 from readStream, readAll and subscribe', async () => {
      const store = await stores.create({ upcasters });
      const result = await store.append('s', oldAndNew());
      expect(result.version).toBe(4);
      const stream = await store.readStream('s');
      expect(stream.map(shape)).toEqual(upcastEvents);
      expect(stream.map((e) => e.version)).toEqual([1, 2, 3, 4]);
      expect(stream.at(-1)?.position).toBe(result.position);
      expect(await store.readAll()).toEqual(stream);
      expect((await store.readStream('s', { direction: 'backward', limit: 2 })).map(shape)).toEqual(
        upcastEvents.slice(2).reverse(),
      );
      expect((await store.readStream('s', { from: 2, limit: 1 })).map(shape)).toEqual(
        upcastEvents.slice(1, 2),
      );
      const seen: RecordedEvent[] = [];
      const controller = stores.abortController();
      for await (const e of subscribe(store, { signal: controller.signal })) {
        seen.push(e);
        if (seen.length === 4) controller.abort();
      }
      expect(seen).toEqual(stream);
    });

    test('a store without upcasters reads events as they were stored', async () => {
      const store = await stores.create();
      await store.append('s', oldAndNew());
      expect((await store.readStream('s')).map(shape)).toEqual(storedEvents);
    });
  });
}
