import { describe, expect, test } from 'vitest';
import {
  ACCOUNTS,
  balances,
  end,
  expectStale,
  expectedBalances,
  handled,
  log,
  storedBalances,
  useProjectionStores,
  failure,
} from './projectionSupport.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';

/**
 * Fencing: a writer commits only from the checkpoint it read. A runner that lost its lease, an operator's
 * skip or a rebuild's switch moves the checkpoint, and the stale writer's batch is refused, changing nothing.
 */
export function describeFencing<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('fencing', () => {
    const open = useProjectionStores(target);

    test('a writer at a stale checkpoint or generation cannot commit: StaleCheckpointError, nothing changes', async () => {
      const store = await open();
      const p = balances({ name: 'fencing.stale' });
      await store.ensure(p);
      const events = log(40);
      const first = events.slice(0, 20);
      const second = events.slice(20);
      await store.applyBatch(p, 1, handled(first), 0n, end(first));

      await expectStale(store.applyBatch(p, 1, handled(second), 0n, end(second)));
      await expectStale(store.applyBatch(p, 1, handled(second), end(first) - 1n, end(second)));
      await expectStale(store.applyBatch(p, 1, handled(second), end(first) + 1n, end(second)));
      await expectStale(store.applyBatch(p, 2, handled(second), end(first), end(second)));
      expect(await store.record(p.name)).toMatchObject({
        generation: 1,
        position: end(first),
        rebuild: null,
      });
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(first));
    });

    test('of writers committing the same batch at once exactly one succeeds; the batch is applied once', async () => {
      const store = await open();
      const p = balances({ name: 'fencing.race' });
      await store.ensure(p);
      const events = log(30);
      const outcomes = await Promise.allSettled(
        [1, 2, 3, 4].map(() => store.applyBatch(p, 1, handled(events), 0n, end(events))),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') await expectStale(Promise.reject(outcome.reason as Error));
      }
      expect((await store.record(p.name))?.position).toBe(end(events));
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(events));
    });

    test("an operator's skip fences the batch a runner had in flight", async () => {
      const store = await open();
      const p = balances({ name: 'fencing.skip' });
      await store.ensure(p);
      const events = log(10);
      await store.applyBatch(p, 1, handled(events.slice(0, 5)), 0n, 5n);
      await store.setFailure(p.name, failure(1, 6n));
      await store.skip(p.name, 6n, 'skipped while a runner retried');
      await expectStale(store.applyBatch(p, 1, handled(events.slice(5)), 5n, 10n));
      expect((await store.record(p.name))?.position).toBe(6n);
      await store.applyBatch(p, 1, handled(events.slice(6)), 6n, 10n);
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(
        expectedBalances(events.filter((e) => e.position !== 6n)),
      );
    });

    const beside = target.beside?.bind(target);
    const twoProcesses =
      'two stores over the same storage: of two writers at one checkpoint one commits, and each sees the other';
    if (beside) {
      test(twoProcesses, async () => {
        const store = await open();
        const p = balances({ name: 'fencing.beside' });
        await store.ensure(p);
        const other = await beside(store);
        try {
          const events = log(30);
          // The other process's runner held the lease and read checkpoint 0; this one took over and moved on.
          await store.applyBatch(p, 1, handled(events.slice(0, 10)), 0n, 10n);
          await expectStale(other.store.applyBatch(p, 1, handled(events.slice(0, 20)), 0n, 20n));
          expect(await other.store.record(p.name)).toMatchObject({ position: 10n });
          const outcomes = await Promise.allSettled([
            store.applyBatch(p, 1, handled(events.slice(10)), 10n, 30n),
            other.store.applyBatch(p, 1, handled(events.slice(10)), 10n, 30n),
          ]);
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const reader of [store, other.store]) {
            expect(await storedBalances(reader, p.name, ACCOUNTS)).toEqual(expectedBalances(events));
          }
          // A switch made through one is what the other's readers see.
          const { generation } = await other.store.beginRebuild(p, 30n);
          await other.store.applyBatch(p, generation, handled(events.slice(0, 5)), 0n, 5n);
          await other.store.completeRebuild(p, generation);
          await expectStale(store.applyBatch(p, 1, [], 30n, 31n));
          expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(events.slice(0, 5)));
        } finally {
          await other.close();
        }
      });
    } else {
      test.skip(`${twoProcesses} (this target opens no second store beside one)`, () => {});
    }

    test('the switch to a rebuilt generation fences writers of the old one', async () => {
      const store = await open();
      const p = balances({ name: 'fencing.switch' });
      await store.ensure(p);
      const events = log(20);
      await store.applyBatch(p, 1, handled(events.slice(0, 10)), 0n, 10n);
      const rebuild = await store.beginRebuild(p, 10n);
      await store.applyBatch(p, rebuild.generation, handled(events.slice(0, 15)), 0n, 15n);
      await store.completeRebuild(p, rebuild.generation);
      await expectStale(store.applyBatch(p, 1, handled(events.slice(10)), 10n, 20n));
      expect(await store.record(p.name)).toMatchObject({ generation: 2, position: 15n, rebuild: null });
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(events.slice(0, 15)));
    });
  });
}
