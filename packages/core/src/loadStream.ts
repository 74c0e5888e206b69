import { fold, type Decider } from './decider.js';
import type { EventStore, SnapshotStore } from './eventStore.js';
import { replayCutoff } from './idempotency.js';
import type { Event } from './message.js';

/** Snapshot a stream's state every `every` events, under `name` (change the name when the state shape changes). */
export interface SnapshotPolicy {
  readonly store: SnapshotStore;
  readonly name: string;
  readonly every: number;
  /** A failed snapshot write never fails the command (its events are committed); it is reported here. */
  readonly onError?: (error: unknown) => void;
}

export interface LoadedStream<S> {
  readonly state: S;
  readonly version: number;
}

/**
 * Folds a stream into its current state, starting from the latest snapshot when a policy is given. In
 * the replay view of an idempotent command (core's `replaying`) it folds from the start: a
 * snapshot may be of a later state than the view shows.
 */
export async function loadStream<S, E extends Event>(
  store: EventStore,
  decider: Pick<Decider<S, never, E>, 'initialState' | 'evolve'>,
  streamId: string,
  snapshots?: SnapshotPolicy,
): Promise<LoadedStream<S>> {
  const snapshot =
    snapshots && replayCutoff() === undefined
      ? await snapshots.store.readSnapshot<S>(streamId, snapshots.name)
      : undefined;
  const from = snapshot ? snapshot.version + 1 : 1;
  const events = await store.readStream(streamId, { from });
  const state = fold(decider, events as unknown as E[], snapshot?.state);
  return { state, version: events.at(-1)?.version ?? snapshot?.version ?? 0 };
}
