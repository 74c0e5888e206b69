import { describe, expect, test } from 'vitest';
import {
  handleCommand,
  loadStream,
  type Decider,
  type Event,
  type Message,
  type SnapshotPolicy,
} from '@janus/core';
import { useStores } from './support.js';
import type { ConformanceTarget } from './target.js';

interface Count {
  readonly total: bigint;
  readonly count: number;
}
type Added = Event<'counter.added', { by: bigint }>;
type Add = Message<'counter.add', { by: bigint }>;

const counter: Decider<Count, Add, Added> = {
  initialState: () => ({ total: 0n, count: 0 }),
  decide: (command) => [{ type: 'counter.added', data: { by: command.data.by } }],
  evolve: (state, event) => ({ total: state.total + event.data.by, count: state.count + 1 }),
};

const add = (n: number): Add => ({
  type: 'counter.add',
  data: { by: BigInt(n) },
  metadata: {
    messageId: `add-${n}`,
    correlationId: `add-${n}`,
    causationId: null,
    principal: null,
    timestamp: '2025-01-01T00:00:00.000Z',
  },
});

/** The sum 1 + 2 + … + n as a bigint. */
const sum = (n: number) => BigInt((n * (n + 1)) / 2);

/** Snapshots of folded state, and core's command handling loading from snapshot + tail on this store. */
export function describeSnapshots(target: ConformanceTarget): void {
  describe('snapshots', () => {
    const stores = useStores(target);

    test('a missing snapshot reads as undefined', async () => {
      const store = await stores.create();
      expect(await store.readSnapshot('s', 'counter.v1')).toBeUndefined();
    });

    test('a written snapshot reads back exactly, bigints and nesting included', async () => {
      const store = await stores.create();
      const state = { total: 2n ** 70n, owner: { name: 'Zoë 🎉', tags: ['a', null] }, list: [1n, -2n] };
      await store.writeSnapshot('s', 'counter.v1', { version: 7, state });
      const read = await store.readSnapshot<typeof state>('s', 'counter.v1');
      expect(read).toEqual({ version: 7, state });
      expect(typeof read?.state.total).toBe('bigint');
    });

    test('writing again overwrites', async () => {
      const store = await stores.create();
      await store.writeSnapshot('s', 'counter.v1', { version: 3, state: { total: 3n } });
      await store.writeSnapshot('s', 'counter.v1', { version: 6, state: { total: 21n } });
      expect(await store.readSnapshot('s', 'counter.v1')).toEqual({ version: 6, state: { total: 21n } });
    });

    test('snapshots are kept apart by stream and by name', async () => {
      const store = await stores.create();
      await store.writeSnapshot('s', 'counter.v1', { version: 1, state: 's v1' });
      await store.writeSnapshot('s', 'counter.v2', { version: 2, state: 's v2' });
      await store.writeSnapshot('t', 'counter.v1', { version: 3, state: 't v1' });
      await store.writeSnapshot('s/ü "x"', 'counter.v1', { version: 4, state: 'odd id' });
      expect(await store.readSnapshot('s', 'counter.v1')).toEqual({ version: 1, state: 's v1' });
      expect(await store.readSnapshot('s', 'counter.v2')).toEqual({ version: 2, state: 's v2' });
      expect(await store.readSnapshot('t', 'counter.v1')).toEqual({ version: 3, state: 't v1' });
      expect(await store.readSnapshot('t', 'counter.v2')).toBeUndefined();
      expect(await store.readSnapshot('s/ü "x"', 'counter.v1')).toEqual({ version: 4, state: 'odd id' });
      expect(await store.readSnapshot('u', 'counter.v1')).toBeUndefined();
      // Stream and name are kept apart, not joined into one key.
      await store.writeSnapshot('ab', 'c', { version: 5, state: 'ab/c' });
      await store.writeSnapshot('a', 'bc', { version: 6, state: 'a/bc' });
      expect(await store.readSnapshot('ab', 'c')).toEqual({ version: 5, state: 'ab/c' });
      expect(await store.readSnapshot('a', 'bc')).toEqual({ version: 6, state: 'a/bc' });
      // Snapshots are not events.
      expect(await store.readAll()).toEqual([]);
      expect(await store.streamVersion('s')).toBe(0);
    });

    test('handleCommand with a SnapshotPolicy snapshots, and loads snapshot + tail to the same state', async () => {
      const store = await stores.create();
      const rethrow = (error: unknown) => {
        throw error;
      };
      const policy: SnapshotPolicy = { store, name: 'counter.v1', every: 3, onError: rethrow };
      for (let n = 1; n <= 10; n++) {
        const outcome = await handleCommand(store, counter, 'counter-1', add(n), { snapshots: policy });
        expect(outcome.version).toBe(n);
        expect(outcome.state).toEqual({ total: sum(n), count: n });
      }
      expect(await store.readSnapshot('counter-1', 'counter.v1')).toEqual({
        version: 9,
        state: { total: sum(9), count: 9 },
      });
      const expected = { state: { total: sum(10), count: 10 }, version: 10 };
      expect(await loadStream(store, counter, 'counter-1', policy)).toEqual(expected);
      expect(await loadStream(store, counter, 'counter-1')).toEqual(expected);
    });

    test('loading reads only the tail after the snapshot', async () => {
      const store = await stores.create();
      for (let n = 1; n <= 10; n++) await handleCommand(store, counter, 'counter-1', add(n));
      // A snapshot whose state could not come from the events shows that it was used.
      await store.writeSnapshot('counter-1', 'marked', { version: 5, state: { total: 1000n, count: 0 } });
      const marked: SnapshotPolicy = { store, name: 'marked', every: 3 };
      expect(await loadStream(store, counter, 'counter-1', marked)).toEqual({
        state: { total: 1000n + sum(10) - sum(5), count: 5 },
        version: 10,
      });
      // A snapshot at the stream's last version: no tail at all.
      await store.writeSnapshot('counter-1', 'marked', { version: 10, state: { total: 7n, count: 1 } });
      expect(await loadStream(store, counter, 'counter-1', marked)).toEqual({
        state: { total: 7n, count: 1 },
        version: 10,
      });
      // Commands handled on top of it continue from there.
      const next = await handleCommand(store, counter, 'counter-1', add(11), { snapshots: marked });
      expect(next).toMatchObject({ version: 11, state: { total: 18n, count: 2 } });
    });
  });
}
