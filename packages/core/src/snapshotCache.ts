import type { Snapshot, SnapshotStore } from './eventStore.js';
import { fromJson, toJson } from './json.js';

export interface SnapshotCacheOptions {
  /** Streams kept in memory; the least recently used go first. Default 10,000. */
  readonly maxStreams?: number;
  /**
   * Also write a snapshot to the durable store once it is this many versions past the last one written
   * there, so that another process, or this one after a restart or an eviction, folds a short tail.
   * Default 64.
   */
  readonly persistEvery?: number;
}

interface Cached {
  readonly version: number;
  /** Kept as JSON: a state a caller changes in place must not change the cached one. */
  readonly json: string;
  /** The version of the latest snapshot written to the durable store. */
  readonly persisted: number;
}

/**
 * Snapshots in memory in front of a durable snapshot store. Given to a command handler with `every: 1`, a
 * hot stream's latest state is at hand for every command, which then reads only the events appended
 * since (usually none): no fold of the stream and no snapshot query per command. Safe with other writers:
 * a snapshot says what a stream's state was at a version, which stays true; a newer tail is read on load.
 */
export function snapshotCache(durable: SnapshotStore, options: SnapshotCacheOptions = {}): SnapshotStore {
  const maxStreams = options.maxStreams ?? 10_000;
  const persistEvery = options.persistEvery ?? 64;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const cache = new Map<string, Cached>();
  const keyOf = (streamId: string, name: string) => `${name}\u0000${streamId}`;
  const remember = (key: string, entry: Cached) => {
    cache.delete(key);
    cache.set(key, entry);
    if (cache.size > maxStreams) cache.delete(cache.keys().next().value as string);
  };

  return {
    async readSnapshot<S>(streamId: string, name: string): Promise<Snapshot<S> | undefined> {
      const key = keyOf(streamId, name);
      const hit = cache.get(key);
      if (hit) {
        remember(key, hit);
        return { version: hit.version, state: (fromJson(hit.json) as { state: S }).state };
      }
      const stored = await durable.readSnapshot<S>(streamId, name);
      if (stored)
        remember(key, { version: stored.version, json: stateJson(stored.state), persisted: stored.version });
      return stored;
    },

    async writeSnapshot<S>(streamId: string, name: string, snapshot: Snapshot<S>): Promise<void> {
      const key = keyOf(streamId, name);
      const before = cache.get(key);
      // Concurrent commands may finish out of order: never replace a newer snapshot by an older one.
      if (before && before.version >= snapshot.version) return;
      let persisted = before?.persisted ?? 0;
      if (snapshot.version - persisted >= persistEvery) {
        await durable.writeSnapshot(streamId, name, snapshot);
        persisted = snapshot.version;
        const meanwhile = cache.get(key);
        if (meanwhile && meanwhile.version >= snapshot.version) return;
      }
      remember(key, { version: snapshot.version, json: stateJson(snapshot.state), persisted });
    },
  };
}

/** A state as JSON, wrapped so that any state, `undefined` included, round-trips. */
const stateJson = (state: unknown): string => toJson({ state });
