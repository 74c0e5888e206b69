import { describe, expect, test } from 'vitest';
import {
  ACCOUNTS,
  balances,
  deposit,
  expectInvalid,
  expectStale,
  expectedBalances,
  failure,
  handled,
  log,
  storedBalances,
  useProjectionStores,
  type Balance,
} from './projectionSupport.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';

/** The rebuild switch: a rebuild fills a generation aside, readers keep the old one until it switches in at once. */
export function describeRebuilds<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('the rebuild switch', () => {
    const open = useProjectionStores(target);

    test('requestRebuild raises the flag an operator sets, cancelRebuildRequest and beginRebuild lower it', async () => {
      const store = await open();
      const p = balances({ name: 'rebuilds.flag' });
      await store.ensure(p);
      await store.requestRebuild(p.name);
      expect((await store.record(p.name))?.rebuildRequested).toBe(true);
      await store.cancelRebuildRequest(p.name);
      expect((await store.record(p.name))?.rebuildRequested).toBe(false);
      await store.requestRebuild(p.name);
      await store.beginRebuild(p, 0n);
      expect(await store.record(p.name)).toMatchObject({
        rebuildRequested: false,
        rebuild: { generation: 2 },
      });
      await expectInvalid(store.requestRebuild('rebuilds.nobody'));
    });

    test('beginRebuild starts the next generation at 0 beside the active one, and continues an unfinished one', async () => {
      const store = await open();
      const p = balances({ name: 'rebuilds.begin' });
      await store.ensure(p);
      const events = log(20);
      await store.applyBatch(p, 1, handled(events), 0n, 20n);
      const v2 = balances({ name: p.name, version: 2, factor: 2 });
      const rebuild = await store.beginRebuild(v2, 20n);
      expect(rebuild).toMatchObject({ generation: 2, version: 2, position: 0n, total: 20n });
      expect(Number.isNaN(Date.parse(rebuild.startedAt))).toBe(false);
      expect(await store.record(p.name)).toMatchObject({ version: 1, generation: 1, position: 20n, rebuild });

      await store.applyBatch(v2, 2, handled(events.slice(0, 8)), 0n, 8n);
      // A runner restarted half-way continues the same rebuild where it stopped.
      expect(await store.beginRebuild(v2, 99n)).toEqual({ ...rebuild, position: 8n });
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(events));
    });

    test('readers see the old generation, which keeps moving, until the switch makes the new one active at once', async () => {
      const store = await open();
      const v1 = balances({ name: 'rebuilds.switch' });
      await store.ensure(v1);
      const events = [...log(30, { accounts: 5 }), deposit(31n, 'acc-5', 4)];
      await store.applyBatch(v1, 1, handled(events.slice(0, 20)), 0n, 20n);

      // Version 2 doubles amounts, and has closed acc-5 (a document only the old generation has).
      const v2 = balances({ name: v1.name, version: 2, factor: 2 });
      const { generation } = await store.beginRebuild(v2, 20n);
      await store.applyBatch(v2, generation, handled(events.slice(0, 10)), 0n, 10n);
      await store.applyBatch(v1, 1, handled(events.slice(20)), 20n, 31n);
      await store.applyBatch(v2, generation, handled(events.slice(10, 30)), 10n, 30n);
      await store.applyBatch(v2, generation, [deposit(31n, 'acc-5', 0)], 30n, 31n);
      const old = expectedBalances(events);
      expect(await storedBalances(store, v1.name, ACCOUNTS)).toEqual(old);
      expect(await store.documents<Balance>(v1.name).find('parity', 'odd')).toEqual(
        [...old.values()].filter((b) => b.parity === 'odd'),
      );

      await store.completeRebuild(v2, generation);
      expect(await store.record(v1.name)).toEqual({
        name: v1.name,
        version: 2,
        generation: 2,
        position: 31n,
        rebuild: null,
        rebuildRequested: false,
        failure: null,
      });
      const rebuilt = expectedBalances(events.slice(0, 30), 2);
      expect(await storedBalances(store, v1.name, ACCOUNTS)).toEqual(rebuilt);
      expect(await store.documents<Balance>(v2).get('acc-5')).toBeUndefined();
      expect(await store.documents<Balance>(v2).find('parity', 'odd')).toEqual(
        [...rebuilt.values()].filter((b) => b.parity === 'odd'),
      );
    });

    test('a rebuild after a switch starts on a new, empty generation', async () => {
      const store = await open();
      const p = balances({ name: 'rebuilds.again' });
      await store.ensure(p);
      const events = log(12);
      await store.applyBatch(p, 1, handled(events), 0n, 12n);
      const second = await store.beginRebuild(p, 12n);
      await store.applyBatch(p, second.generation, handled(events.slice(0, 6)), 0n, 6n);
      await store.completeRebuild(p, second.generation);
      const third = await store.beginRebuild(p, 6n);
      expect(third).toMatchObject({ generation: 3, position: 0n });
      // Generation 3 starts empty: its first batch folds from nothing, whatever generations 1 and 2 held.
      await store.applyBatch(p, 3, handled(events.slice(6)), 0n, 12n);
      await store.completeRebuild(p, 3);
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(events.slice(6)));
    });

    test('completing a generation that is not being rebuilt throws StaleCheckpointError and changes nothing', async () => {
      const store = await open();
      const p = balances({ name: 'rebuilds.stale' });
      await store.ensure(p);
      await store.applyBatch(p, 1, handled(log(5)), 0n, 5n);
      await expectStale(store.completeRebuild(p, 2));
      const { generation } = await store.beginRebuild(p, 5n);
      await expectStale(store.completeRebuild(p, generation + 1));
      await expectStale(store.completeRebuild(p, 1));
      expect(await store.record(p.name)).toMatchObject({
        generation: 1,
        position: 5n,
        rebuild: { generation: 2 },
      });
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(log(5)));
    });

    test("the switch keeps the rebuilt generation's failure and clears the old one's", async () => {
      const store = await open();
      const p = balances({ name: 'rebuilds.failures' });
      await store.ensure(p);
      await store.applyBatch(p, 1, handled(log(5)), 0n, 5n);
      await store.setFailure(p.name, failure(1, 6n));
      const second = await store.beginRebuild(p, 5n);
      await store.completeRebuild(p, second.generation);
      expect((await store.record(p.name))?.failure).toBeNull();

      const third = await store.beginRebuild(p, 5n);
      await store.setFailure(p.name, failure(third.generation, 2n));
      await store.completeRebuild(p, third.generation);
      expect((await store.record(p.name))?.failure).toEqual(failure(third.generation, 2n));
    });
  });
}
