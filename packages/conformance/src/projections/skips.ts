import { describe, expect, test } from 'vitest';
import {
  ACCOUNTS,
  balances,
  expectInvalid,
  expectedBalances,
  failure,
  handled,
  log,
  storedBalances,
  useProjectionStores,
} from './projectionSupport.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';

/** Failure and skip records: where a projection stopped, and an operator's explicit skip of that event. */
export function describeSkips<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('failure and skip records', () => {
    const open = useProjectionStores(target);

    test('a failure is kept as it was set, and cleared with null', async () => {
      const store = await open();
      const p = balances({ name: 'skips.failure' });
      await store.ensure(p);
      const stopped = { ...failure(1, 9_007_199_254_740_993n), message: 'refusing “ünïcode” 🙂\nline 2' };
      await store.setFailure(p.name, stopped);
      expect((await store.record(p.name))?.failure).toEqual(stopped);
      expect((await store.records())[0]?.failure).toEqual(stopped);
      await store.setFailure(p.name, null);
      expect((await store.record(p.name))?.failure).toBeNull();
    });

    test('a skip must name the event the projection is stopped at; otherwise ValidationError and nothing changes', async () => {
      const store = await open();
      const p = balances({ name: 'skips.refused' });
      await store.ensure(p);
      await store.applyBatch(p, 1, handled(log(5)), 0n, 5n);
      await expectInvalid(store.skip(p.name, 6n, 'not stopped'));
      await store.setFailure(p.name, failure(1, 6n));
      await expectInvalid(store.skip(p.name, 7n, 'the wrong event'));
      await expectInvalid(store.skip(p.name, 5n, 'an event it applied'));
      // A failure at or before the checkpoint is one the projection is not stopped at any more.
      await store.setFailure(p.name, failure(1, 5n));
      await expectInvalid(store.skip(p.name, 5n, 'already applied'));
      expect(await store.record(p.name)).toMatchObject({ position: 5n, failure: failure(1, 5n) });
      expect(await store.skips(p.name)).toEqual([]);
    });

    test("a skip is recorded and moves the failed generation's checkpoint past the event, clearing the failure", async () => {
      const store = await open();
      const p = balances({ name: 'skips.recorded' });
      const other = balances({ name: 'skips.other' });
      await store.ensure(p);
      await store.ensure(other);
      const events = log(20);
      await store.applyBatch(p, 1, handled(events.slice(0, 5)), 0n, 5n);
      await store.setFailure(p.name, failure(1, 6n));
      const skip = await store.skip(p.name, 6n, 'refunded by hand, ticket 42');
      expect(skip).toEqual({
        name: p.name,
        version: 1,
        position: 6n,
        eventId: 'event-6',
        reason: 'refunded by hand, ticket 42',
        skippedAt: skip.skippedAt,
      });
      expect(Number.isNaN(Date.parse(skip.skippedAt))).toBe(false);
      expect(await store.record(p.name)).toMatchObject({ generation: 1, position: 6n, failure: null });
      // The skip moved no document: the skipped event is simply never applied.
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(expectedBalances(events.slice(0, 5)));

      await store.applyBatch(p, 1, handled(events.slice(6, 14)), 6n, 14n);
      await store.setFailure(p.name, failure(1, 15n));
      const later = await store.skip(p.name, 15n, 'second');
      expect(await store.skips(p.name)).toEqual([skip, later]);
      expect(await store.skips(other.name)).toEqual([]);
    });

    test("a skip during a rebuild moves the rebuild's checkpoint and holds for the rebuild's version", async () => {
      const store = await open();
      const p = balances({ name: 'skips.rebuild' });
      await store.ensure(p);
      await store.applyBatch(p, 1, handled(log(10)), 0n, 10n);
      const v2 = balances({ name: p.name, version: 2 });
      const { generation } = await store.beginRebuild(v2, 10n);
      await store.applyBatch(v2, generation, handled(log(3)), 0n, 3n);
      await store.setFailure(p.name, failure(generation, 4n));
      const skip = await store.skip(p.name, 4n, 'bad in version 2');
      expect(skip).toMatchObject({ version: 2, position: 4n, eventId: 'event-4' });
      expect(await store.record(p.name)).toMatchObject({
        version: 1,
        generation: 1,
        position: 10n,
        rebuild: { generation, version: 2, position: 4n },
        failure: null,
      });
    });

    test('skips are listed in log order; skipping the same event of the same version again keeps the last skip only', async () => {
      const store = await open();
      const p = balances({ name: 'skips.listed' });
      await store.ensure(p);
      await store.applyBatch(p, 1, handled(log(5)), 0n, 5n);
      await store.setFailure(p.name, failure(1, 6n));
      const six = await store.skip(p.name, 6n, 'six');
      const v2 = balances({ name: p.name, version: 2 });
      const { generation } = await store.beginRebuild(v2, 6n);
      await store.setFailure(p.name, failure(generation, 2n));
      const two = await store.skip(p.name, 2n, 'two, in version 2');
      await store.completeRebuild(v2, generation);
      expect(await store.skips(p.name)).toEqual([two, six]);

      // A rebuild of the same version that stops at the same event again: one skip, the operator's last word.
      const again = await store.beginRebuild(v2, 6n);
      await store.setFailure(p.name, failure(again.generation, 2n));
      const twice = await store.skip(p.name, 2n, 'two, once more');
      expect(await store.skips(p.name)).toEqual([twice, six]);
    });
  });
}
