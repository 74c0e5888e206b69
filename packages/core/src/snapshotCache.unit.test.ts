import { describe, expect, test } from 'vitest';
import type { Snapshot, SnapshotStore } from './eventStore.js';
import { InMemoryEventStore } from './inMemoryEventStore.js';
import { snapshotCache } from './snapshotCache.js';

/** A durable store that counts its reads and writes. */
function counted(store: SnapshotStore) {
  const calls = { reads: 0, writes: [] as number[] };
  const wrapped: SnapshotStore = {
    readSnapshot: <S>(streamId: string, name: string) => {
      calls.reads++;
      return store.readSnapshot<S>(streamId, name);
    },
    writeSnapshot: <S>(streamId: string, name: string, snapshot: Snapshot<S>) => {
      calls.writes.push(snapshot.version);
      return store.writeSnapshot(streamId, name, snapshot);
    },
  };
  return { wrapped, calls };
}

describe('snapshotCache', () => {
  test('answers from memory and writes through every persistEvery versions', async () => {
    const durable = counted(new InMemoryEventStore());
    const cache = snapshotCache(durable.wrapped, { persistEvery: 3 });
    for (let version = 1; version <= 7; version++) {
      await cache.writeSnapshot('s', 'n', { version, state: { balance: BigInt(version) } });
    }
    expect(await cache.readSnapshot('s', 'n')).toEqual({ version: 7, state: { balance: 7n } });
    expect(durable.calls.reads).toBe(0);
    expect(durable.calls.writes).toEqual([3, 6]);
    // Another process (or this one after a restart) finds the last persisted snapshot.
    expect(await snapshotCache(durable.wrapped).readSnapshot('s', 'n')).toEqual({
      version: 6,
      state: { balance: 6n },
    });
  });

  test('never replaces a newer snapshot by an older one', async () => {
    const cache = snapshotCache(new InMemoryEventStore());
    await cache.writeSnapshot('s', 'n', { version: 5, state: 'five' });
    await cache.writeSnapshot('s', 'n', { version: 4, state: 'four' });
    expect(await cache.readSnapshot('s', 'n')).toEqual({ version: 5, state: 'five' });
  });

  test('a state changed in place by its reader leaves the cached one as it was', async () => {
    const cache = snapshotCache(new InMemoryEventStore());
    await cache.writeSnapshot('s', 'n', { version: 1, state: { items: [1] } });
    const first = await cache.readSnapshot<{ items: number[] }>('s', 'n');
    first?.state.items.push(2);
    expect(await cache.readSnapshot('s', 'n')).toEqual({ version: 1, state: { items: [1] } });
  });

  test('evicts the least recently used stream, then reads it from the durable store', async () => {
    const durable = counted(new InMemoryEventStore());
    const cache = snapshotCache(durable.wrapped, { maxStreams: 2, persistEvery: 1 });
    await cache.writeSnapshot('a', 'n', { version: 1, state: 'a1' });
    await cache.writeSnapshot('b', 'n', { version: 1, state: 'b1' });
    await cache.readSnapshot('a', 'n'); // a is now the most recently used
    await cache.writeSnapshot('c', 'n', { version: 1, state: 'c1' }); // evicts b
    expect(durable.calls.reads).toBe(0);
    expect(await cache.readSnapshot('b', 'n')).toEqual({ version: 1, state: 'b1' });
    expect(durable.calls.reads).toBe(1);
    expect(await cache.readSnapshot('a', 'n')).toEqual({ version: 1, state: 'a1' });
    expect(durable.calls.reads).toBe(2); // reading b back evicted a
  });

  test('keeps a state of undefined', async () => {
    const cache = snapshotCache(new InMemoryEventStore());
    await cache.writeSnapshot('s', 'n', { version: 1, state: undefined });
    expect(await cache.readSnapshot('s', 'n')).toEqual({ version: 1, state: undefined });
  });

  test('keeps names apart', async () => {
    const cache = snapshotCache(new InMemoryEventStore());
    await cache.writeSnapshot('s', 'v1', { version: 1, state: 1 });
    expect(await cache.readSnapshot('s', 'v2')).toBeUndefined();
  });
});
