import type { CommandOutcome } from './commandHandler.js';
import { fold, isRejection, rejectionError } from './decider.js';
import { ValidationError } from './errors.js';
import type { AppendResult, EventStore, StreamAppend } from './eventStore.js';
import { replayCutoff } from './idempotency.js';
import { loadStream, type LoadedStream, type SnapshotPolicy } from './loadStream.js';
import type { Event, Message } from './message.js';
import type {
  StreamEventOf,
  MultiStreamDecider,
  MultiStreamRejection,
  StreamStateOf,
  StreamRefs,
} from './multiStreamDecider.js';
import { foldStream } from './projections/foldStream.js';
import { retryOnConflict, type RetryOptions } from './retry.js';
import { toNewEvent } from './toNewEvent.js';

export interface MultiStreamCommandOptions<R extends StreamRefs> {
  /** Snapshots per named stream (a stream without a policy folds its whole history). */
  readonly snapshots?: { readonly [K in keyof R]?: SnapshotPolicy | undefined } | undefined;
  readonly retry?: RetryOptions | undefined;
}

export interface MultiStreamOutcome<R extends StreamRefs> {
  /** Each named stream after the command: version, position, the events it got, its state. */
  readonly streams: { readonly [K in keyof R]: CommandOutcome<StreamStateOf<R[K]>, StreamEventOf<R[K]>> };
  /** Global position of the command's last event: wait for it to read your own write. */
  readonly position: bigint;
}

/**
 * Handles a command whose decision reads several streams: load each (snapshot + tail), decide from
 * their states, and append every stream's events in one atomic append, each stream at the version that
 * was read (a stream that gets no events too: the decision stays true only while nothing it read moved).
 * On a concurrency conflict it all runs again (bounded, with jitter). Event ids derive from the command's
 * message id, numbered across the streams in the order `streams` names them, so the same command appends
 * once and is answered as it was then. A rejection appends its events to the stream it names (ids
 * `<messageId>:rejected:<i>`), with every stream still at the version read, then throws a DomainError.
 * Taking part in idempotency keys is the store's (`idempotentStore`): every read and append goes through it.
 */
export async function handleMultiStreamCommand<C extends Message, R extends StreamRefs>(
  store: EventStore,
  definition: MultiStreamDecider<C, R>,
  command: C,
  options: MultiStreamCommandOptions<R> = {},
): Promise<MultiStreamOutcome<R>> {
  const refs = definition.streams(command);
  const names = Object.keys(refs);
  assertDistinctStreams(refs, names);
  const snapshotsOf = (name: string): SnapshotPolicy | undefined => options.snapshots?.[name];
  const outcome = await retryOnConflict(async () => {
    const load = (name: string) => {
      const { decider, streamId } = ref(refs, name);
      return loadStream(store, decider, streamId, snapshotsOf(name));
    };
    // One stream (handleCommand's case) is loaded without Promise.all's extra promises.
    const loaded = names.length === 1 ? [await load(at(names, 0))] : await Promise.all(names.map(load));
    const states = Object.fromEntries(names.map((name, i) => [name, at(loaded, i).state]));
    const decision = definition.decide(command, states as never);
    const eventsOf = (name: string): readonly Event[] =>
      isRejection(decision) ? [] : ((decision as Record<string, readonly Event[] | undefined>)[name] ?? []);
    if (isRejection(decision)) {
      await recordRejection(store, refs, names, loaded, command, decision);
      throw rejectionError(decision);
    }
    const recorded = toNewEvent(command);
    let index = 0;
    const appends: StreamAppend[] = names.map((name, i) => ({
      streamId: ref(refs, name).streamId,
      events: eventsOf(name).map((event) => recorded(event, index++)),
      expectedVersion: at(loaded, i).version,
    }));
    const results =
      index === 0 ? await unchanged(store, appends, loaded) : (await store.appendMany(appends)).streams;
    // The store answered a replay: this command was handled before. Answer as it was answered then.
    const replayed = results.some(
      (r, i) => r.version !== at(loaded, i).version + at(appends, i).events.length,
    );
    const streams: Record<string, CommandOutcome<unknown, Event>> = {};
    for (const [i, name] of names.entries()) {
      const { streamId, decider } = ref(refs, name);
      const { version, position } = at(results, i);
      const events = eventsOf(name);
      let state: unknown;
      if (replayed) {
        state = (await foldStream(store, streamId, decider as never, { toVersion: version })).state;
      } else {
        const before = at(loaded, i);
        state = fold(decider, events, before.state);
        const policy = snapshotsOf(name);
        if (policy) await writeSnapshot(policy, streamId, before.version, version, state);
      }
      streams[name] = { streamId, version, position, events, state };
    }
    const position = results.reduce((max, r) => (r.position > max ? r.position : max), 0n);
    return { streams, position };
  }, options.retry);
  return outcome as MultiStreamOutcome<R>;
}

/** A refusal's events go to the stream it names, with every stream at the version its decision read. */
async function recordRejection(
  store: EventStore,
  refs: StreamRefs,
  names: readonly string[],
  loaded: readonly LoadedStream<unknown>[],
  command: Message,
  rejection: MultiStreamRejection<StreamRefs>,
): Promise<void> {
  if (rejection.events.length === 0) return;
  const target = rejection.stream ?? (names.length === 1 ? names[0] : undefined);
  if (target === undefined || !names.includes(target)) {
    throw new TypeError(
      `the refusal '${rejection.code}' carries events but names no stream of the command for them`,
    );
  }
  // Ids apart from a success's: were the same command later accepted, its events are not a replay.
  const recorded = rejection.events.map(toNewEvent(command, 'rejected'));
  await store.appendMany(
    names.map((name, i) => ({
      streamId: ref(refs, name).streamId,
      events: name === target ? recorded : [],
      expectedVersion: at(loaded, i).version,
    })),
  );
}

/** A decision without events appends nothing: every stream stays as it was read. */
async function unchanged(
  store: EventStore,
  appends: readonly StreamAppend[],
  loaded: readonly LoadedStream<unknown>[],
): Promise<AppendResult[]> {
  return Promise.all(
    appends.map(async ({ streamId }, i) => {
      const [last] = await store.readStream(streamId, { direction: 'backward', limit: 1 });
      return { streamId, version: at(loaded, i).version, position: last?.position ?? 0n };
    }),
  );
}

async function writeSnapshot(
  policy: SnapshotPolicy,
  streamId: string,
  before: number,
  after: number,
  state: unknown,
): Promise<void> {
  if (replayCutoff() !== undefined || !crossesSnapshot(before, after, policy.every)) return;
  await policy.store
    .writeSnapshot(streamId, policy.name, { version: after, state })
    .catch(policy.onError ?? reportSnapshotError);
}

function assertDistinctStreams(refs: StreamRefs, names: readonly string[]): void {
  if (names.length === 0) throw new ValidationError('a command needs at least one stream');
  const seen = new Set<string>();
  for (const name of names) {
    const { streamId } = ref(refs, name);
    if (seen.has(streamId)) throw new ValidationError(`stream '${streamId}' is named twice by one command`);
    seen.add(streamId);
  }
}

const ref = (refs: StreamRefs, name: string) => refs[name] as StreamRefs[string];

function at<T>(items: readonly T[], i: number): T {
  return items[i] as T;
}

const crossesSnapshot = (before: number, after: number, every: number) =>
  every > 0 && Math.floor(after / every) > Math.floor(before / every);

function reportSnapshotError(error: unknown): void {
  console.error('janus: writing a snapshot failed; the command succeeded', error); // eslint-disable-line no-console
}
