import { describe, expect, test } from 'vitest';
import { ev, events, expectConcurrencyError, picture, useStores } from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';
import { oldAndNew, shape, storedEvents, upcastEvents, upcasters } from './upcasting.js';

/** Guarantee 8, as far as a test in one process can see it: what was acknowledged survives close and reopen. */
export function describeDurability(target: ConformanceTarget): void {
  describe.skipIf(target.reopen === undefined)('durability (close and reopen)', () => {
    const stores = useStores(target);

    async function filled(): Promise<{
      store: StoreUnderTest;
      first: Awaited<ReturnType<StoreUnderTest['append']>>;
    }> {
      const store = await stores.create();
      const first = await store.append('a', events(2, 'a'), { expectedVersion: 'no_stream' });
      await store.appendMany([
        {
          streamId: 'b',
          events: [ev('test.money', { cents: 2n ** 65n, note: 'ünïcødé 🎉' }, 'b-1', { m: 1n })],
        },
        { streamId: 'a', events: events(1, 'a', 3), expectedVersion: 2 },
      ]);
      await store.append('c', events(3, 'c'));
      await store.writeSnapshot('a', 'counter.v1', { version: 3, state: { total: 6n } });
      return { store, first };
    }

    test('everything is still there after close and reopen', async () => {
      const { store } = await filled();
      const before = await picture(store, ['a', 'b', 'c', 'missing']);
      const reopened = await stores.reopen(store);
      expect(await picture(reopened, ['a', 'b', 'c', 'missing'])).toEqual(before);
      expect(await reopened.readSnapshot('a', 'counter.v1')).toEqual({ version: 3, state: { total: 6n } });
    });

    test('versions, positions and expected-version checks continue correctly after reopen', async () => {
      const { store } = await filled();
      const head = await store.head();
      const reopened = await stores.reopen(store);
      await expectConcurrencyError(
        reopened.append('a', events(1, 'x'), { expectedVersion: 'no_stream' }),
        'a',
        3,
      );
      await expectConcurrencyError(reopened.append('a', events(1, 'x'), { expectedVersion: 2 }), 'a', 3);
      const next = await reopened.append('a', events(1, 'a', 4), { expectedVersion: 3 });
      expect(next.version).toBe(4);
      expect(next.position).toBeGreaterThan(head);
      const fresh = await reopened.append('d', events(1, 'd'), { expectedVersion: 'no_stream' });
      expect(fresh.version).toBe(1);
      expect(fresh.position).toBeGreaterThan(next.position);
      expect(await reopened.head()).toBe(fresh.position);
      expect((await reopened.readAll({ after: head })).map((e) => e.id)).toEqual(['a-4', 'd-1']);
    });

    test('an append made before the close is still recognised as a replay after reopen', async () => {
      const { store, first } = await filled();
      const reopened = await stores.reopen(store);
      const seen = await picture(reopened, ['a']);
      expect(await reopened.append('a', events(2, 'a'), { expectedVersion: 'no_stream' })).toEqual(first);
      expect(await picture(reopened, ['a'])).toEqual(seen);
    });

    test('several close and reopen cycles keep one consistent log', async () => {
      let store = await stores.create();
      for (let cycle = 1; cycle <= 3; cycle++) {
        await store.append('s', events(2, 's', cycle * 2 - 1), { expectedVersion: (cycle - 1) * 2 });
        store = await stores.reopen(store);
      }
      const stream = await store.readStream('s');
      expect(stream.map((e) => [e.id, e.version])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [`s-${n}`, n]));
      expect(await store.readAll()).toEqual(stream);
    });

    test('upcasters apply on read after reopen; the stored events stay as written', async () => {
      const store = await stores.create();
      await store.append('s', oldAndNew());
      const upcasting = await stores.reopen(store, { upcasters });
      expect((await upcasting.readStream('s')).map(shape)).toEqual(upcastEvents);
      const plain = await stores.reopen(upcasting);
      expect((await plain.readStream('s')).map(shape)).toEqual(storedEvents);
    });
  });
}
