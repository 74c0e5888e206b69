import { describe, expect, test } from 'vitest';
import {
  ACCOUNTS,
  balances,
  expectedBalances,
  failure,
  handled,
  log,
  storedBalances,
  type Balance,
} from './projectionSupport.js';
import type {
  OpenedProjectionStore,
  ProjectionStoreTarget,
  ProjectionStoreUnderTest,
} from './projectionStoreTarget.js';

/** What a durable store keeps survives a reopen: records, rebuilds under way, failures, skips and documents. */
export function describeDurability<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('durability', () => {
    const reopen = target.reopen?.bind(target);
    const named = 'records, rebuilds under way, failures, skips and documents survive a reopen';
    if (!reopen) {
      test.skip(`${named} (this target cannot reopen a store)`, () => {});
      return;
    }

    test(named, async () => {
      const first = await target.create();
      let second: OpenedProjectionStore<S> | undefined;
      try {
        const store = first.store;
        const p = balances({ name: 'durability.balances' });
        const v2 = balances({ name: p.name, version: 2, factor: 2 });
        const events = log(30);
        await store.ensure(p);
        await store.applyBatch(p, 1, handled(events.slice(0, 5)), 0n, 5n);
        await store.setFailure(p.name, failure(1, 6n));
        const skip = await store.skip(p.name, 6n, 'before the reopen');
        await store.applyBatch(p, 1, handled(events.slice(6)), 6n, 30n);
        await store.beginRebuild(v2, 30n);
        await store.applyBatch(v2, 2, handled(events.slice(0, 12)), 0n, 12n);
        await store.setFailure(p.name, failure(2, 13n));
        await store.requestRebuild(p.name);
        const records = await store.records();
        await first.close();

        second = await reopen(first.store);
        const again = second.store;
        expect(await again.records()).toEqual(records);
        expect(await again.skips(p.name)).toEqual([skip]);
        const active = expectedBalances(events.filter((e) => e.position !== 6n));
        expect(await storedBalances(again, p.name, ACCOUNTS)).toEqual(active);
        expect(await again.documents<Balance>(p.name).find('parity', 'odd')).toEqual(
          [...active.values()].filter((b) => b.parity === 'odd'),
        );

        // The rebuild goes on where it was, and switches in.
        await again.setFailure(p.name, null);
        expect(await again.beginRebuild(v2, 99n)).toMatchObject({ generation: 2, position: 12n });
        await again.applyBatch(v2, 2, handled(events.slice(12)), 12n, 30n);
        await again.completeRebuild(v2, 2);
        expect(await storedBalances(again, p.name, ACCOUNTS)).toEqual(expectedBalances(events, 2));
      } finally {
        await (second ?? first).close();
      }
    });
  });
}
