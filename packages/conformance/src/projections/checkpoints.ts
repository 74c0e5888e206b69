import { describe, expect, test } from 'vitest';
import type { DocumentProjection } from '@janus/core';
import { rejection } from '../support.js';
import {
  ACCOUNTS,
  balances,
  deposit,
  end,
  expectInvalid,
  expectedBalances,
  handled,
  log,
  storedBalances,
  useProjectionStores,
  type Deposit,
} from './projectionSupport.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';

/** Exactly-once checkpoints: a batch's read-model changes and its checkpoint commit together, or nothing does. */
export function describeCheckpoints<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('exactly-once checkpoints', () => {
    const open = useProjectionStores(target);

    test('ensure registers a projection at generation 1, position 0, and leaves a known one as it is', async () => {
      const store = await open();
      const b = balances({ name: 'checkpoints.b' });
      const a = balances({ name: 'checkpoints.a' });
      const fresh = {
        name: b.name,
        version: 1,
        generation: 1,
        position: 0n,
        rebuild: null,
        rebuildRequested: false,
        failure: null,
      };
      expect(await store.ensure(b)).toEqual(fresh);
      expect(await store.record(b.name)).toEqual(fresh);
      expect(await store.record('checkpoints.nobody')).toBeUndefined();

      const events = log(10);
      await store.applyBatch(b, 1, handled(events), 0n, end(events));
      // Known: neither its checkpoint nor its version changes (a new version is a rebuild's business).
      const known = { ...fresh, position: end(events) };
      expect(await store.ensure(b)).toEqual(known);
      expect(await store.ensure(balances({ name: b.name, version: 2 }))).toEqual(known);
      await store.ensure(a);
      await store.ensure(balances({ name: 'checkpoints.B' }));
      // In name order, by character codes (whatever a database's collation says).
      expect((await store.records()).map((r) => [r.name, r.position])).toEqual([
        ['checkpoints.B', 0n],
        [a.name, 0n],
        [b.name, end(events)],
      ]);
    });

    test('batches move documents and checkpoint together, each from where the last one ended', async () => {
      const store = await open();
      const p = balances({ name: 'checkpoints.batches' });
      await store.ensure(p);
      const events = log(60, { accounts: 6 });
      let from = 0n;
      for (const size of [1, 7, 20, 32]) {
        const batch = events.filter((e) => e.position > from).slice(0, size);
        await store.applyBatch(p, 1, handled(batch), from, end(batch));
        from = end(batch);
        expect((await store.record(p.name))?.position).toBe(from);
        expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(
          expectedBalances(events.filter((e) => e.position <= from)),
        );
      }
      expect(from).toBe(60n);
    });

    test('a batch of events the projection does not handle moves only its checkpoint, to any later position', async () => {
      const store = await open();
      const p = balances({ name: 'checkpoints.unhandled' });
      await store.ensure(p);
      const events = log(5);
      await store.applyBatch(p, 1, handled(events), 0n, 5n);
      const before = await storedBalances(store, p.name, ACCOUNTS);
      await store.applyBatch(p, 1, [], 5n, 1_000_000_000_000n);
      expect((await store.record(p.name))?.position).toBe(1_000_000_000_000n);
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(before);
    });

    test('a handler failing half-way through a batch commits nothing: no document, no checkpoint', async () => {
      const store = await open();
      const p = balances({ name: 'checkpoints.poison', poison: -1 });
      await store.ensure(p);
      const first = log(12);
      await store.applyBatch(p, 1, handled(first), 0n, end(first));
      const before = await storedBalances(store, p.name, ACCOUNTS);
      // Deposits on several accounts first, then the one the handler refuses.
      const second = [...log(8, { first: 13n }), deposit(21n, 'acc-0', -1)];
      const error: unknown = await store
        .applyBatch(p, 1, handled(second), end(first), end(second))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe('refusing amount -1');
      expect(await store.record(p.name)).toMatchObject({ generation: 1, position: end(first) });
      expect(await storedBalances(store, p.name, ACCOUNTS)).toEqual(before);
      expect(await store.documents(p).find('parity', 'even')).toEqual(
        [...before.values()].filter((b) => b.parity === 'even'),
      );
    });

    test('a handler that changes the stored document in place and then fails leaves no trace either', async () => {
      const store = await open();
      const careless: DocumentProjection<{ total: number }> = {
        ...balances({ name: 'checkpoints.in-place' }),
        indexes: [],
        apply: (doc, event) => {
          const { amount } = event.data as Deposit;
          const next = doc ?? { total: 0 };
          next.total += amount; // not pure, as it should be: the store must not let it show
          if (amount < 0) throw new Error('refusing a negative amount');
          return next;
        },
      };
      await store.ensure(careless);
      await store.applyBatch(careless, 1, [deposit(1n, 'acc-0', 5)], 0n, 1n);
      await rejection(
        store.applyBatch(careless, 1, [deposit(2n, 'acc-0', 7), deposit(3n, 'acc-0', -1)], 1n, 3n),
      );
      expect(await store.documents(careless).get('acc-0')).toEqual({ total: 5 });
      await store.applyBatch(careless, 1, [deposit(2n, 'acc-0', 7)], 1n, 2n);
      expect(await store.documents(careless).get('acc-0')).toEqual({ total: 12 });
    });

    test('a projection the store does not know is refused with a ValidationError', async () => {
      const store = await open();
      const p = balances({ name: 'checkpoints.unknown' });
      await expectInvalid(store.applyBatch(p, 1, handled(log(3)), 0n, 3n));
      await expectInvalid(store.requestRebuild(p.name));
      await expectInvalid(store.cancelRebuildRequest(p.name));
      await expectInvalid(store.setFailure(p.name, null));
      await expectInvalid(store.beginRebuild(p, 3n));
      await expectInvalid(store.skip(p.name, 1n, 'no such projection'));
      expect(await store.records()).toEqual([]);
    });
  });
}
