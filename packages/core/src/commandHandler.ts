import { fold, isRejection, rejectionError, type Decider } from './decider.js';
import type { EventStore, NewEvent, SnapshotStore } from './eventStore.js';
import { replayCutoff } from './idempotency.js';
import type { Event, Message } from './message.js';
import { foldStream } from './projections/foldStream.js';
import { retryOnConflict, type RetryOptions } from './retry.js';

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

export interface HandleCommandOptions {
  readonly snapshots?: SnapshotPolicy;
  readonly retry?: RetryOptions;
}

export interface CommandOutcome<S, E extends Event> {
  readonly streamId: string;
  /** The stream's version after the command. */
  readonly version: number;
  /** Global position of the stream's last event: wait for it to read your own write. */
  readonly position: bigint;
  readonly events: readonly E[];
  readonly state: S;
}

/**
 * Handles one command against one stream: load (snapshot + tail), decide, append with the version that
 * was read, and on a concurrency conflict do it all again (bounded, with jitter). Event ids derive from
 * the command's message id, so sending the same command twice appends its events once.
 * A rejection appends the events it carries, then throws a DomainError with its code.
 */
export async function handleCommand<S, C extends Message, E extends Event>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  options: HandleCommandOptions = {},
): Promise<CommandOutcome<S, E>> {
  const { snapshots } = options;
  return retryOnConflict(async () => {
    const loaded = await loadStream(store, decider, streamId, snapshots);
    const decision = decider.decide(command, loaded.state);
    if (isRejection(decision)) {
      // Ids apart from a success's: were the same command later accepted, its events are not a replay.
      const recorded = decision.events.map(toNewEvent(command, 'rejected'));
      if (recorded.length > 0) await store.append(streamId, recorded, { expectedVersion: loaded.version });
      throw rejectionError(decision);
    }
    const events = decision;
    const result =
      events.length === 0
        ? { version: loaded.version, position: await lastPosition(store, streamId) }
        : await store.append(streamId, events.map(toNewEvent(command)), { expectedVersion: loaded.version });
    if (result.version !== loaded.version + events.length) {
      // The store answered a replay: this command was handled before. Answer as it was answered then.
      const then = await foldStream(store, streamId, decider as never, { toVersion: result.version });
      return { streamId, version: result.version, position: result.position, events, state: then.state as S };
    }
    const state = fold(decider, events, loaded.state);
    if (
      snapshots &&
      replayCutoff() === undefined &&
      crossesSnapshot(loaded.version, result.version, snapshots.every)
    ) {
      await snapshots.store
        .writeSnapshot(streamId, snapshots.name, { version: result.version, state })
        .catch(snapshots.onError ?? reportSnapshotError);
    }
    return { streamId, version: result.version, position: result.position, events, state };
  }, options.retry);
}

/** Completes an event from the command that caused it: a deterministic id and the command's context. */
export function toNewEvent(command: Message, qualifier?: string) {
  const prefix =
    qualifier === undefined ? command.metadata.messageId : `${command.metadata.messageId}:${qualifier}`;
  return (event: Event, index: number): NewEvent => ({
    id: `${prefix}:${index}`,
    type: event.type,
    data: event.data,
    metadata: {
      correlationId: command.metadata.correlationId,
      causationId: command.metadata.messageId,
      principal: command.metadata.principal,
      timestamp: command.metadata.timestamp,
      ...event.metadata,
    },
  });
}

async function lastPosition(store: EventStore, streamId: string): Promise<bigint> {
  const [last] = await store.readStream(streamId, { direction: 'backward', limit: 1 });
  return last?.position ?? 0n;
}

const crossesSnapshot = (before: number, after: number, every: number) =>
  every > 0 && Math.floor(after / every) > Math.floor(before / every);

function reportSnapshotError(error: unknown): void {
  console.error('janus: writing a snapshot failed; the command succeeded', error); // eslint-disable-line no-console
}
