import { AsyncLocalStorage } from 'node:async_hooks';
import { ReplayMismatchError, ValidationError, isDomainError } from './errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  MultiAppendResult,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
} from './eventStore.js';
import { faultPoint } from './faultPoint.js';
import {
  isIdempotencyKeyStore,
  type AppendManyOptions,
  type IdempotencyRecord,
  type NewIdempotencyRecord,
} from './idempotencyKeyStore.js';

/** What the command being handled does with its idempotency key. */
type Run =
  /**
   * First use: the first append that commits writes the record with its events, and with the version
   * of each stream the command read before it (`reads`: the last read of each stream wins, so a retried
   * attempt's reads replace the failed one's).
   */
  | {
      readonly kind: 'keyed';
      readonly record: NewIdempotencyRecord;
      committed: boolean;
      readonly reads: Map<string, number>;
    }
  /**
   * A rebuild of an answer: every stream reads as it was at its version in `readVersions` (one the first
   * run did not read: before `before`); appends only replay, and one of them must replay the append
   * that committed the key (the one whose first event is at `before`).
   */
  | {
      readonly kind: 'replay';
      readonly before: bigint;
      readonly readVersions: ReadonlyMap<string, number>;
      keyAppendReplayed: boolean;
    };

const runs = new AsyncLocalStorage<Run>();

/**
 * Runs `work` (typically sending a command) so that the first append it makes through an
 * `idempotentStore` that commits also writes `record`, in the same transaction: the key and the
 * command's events commit together or not at all, and the record says which version of each stream the
 * command read. An append refused for a conflict writes nothing, so the retried attempt carries the
 * record again.
 */
export function withIdempotencyKey<T>(record: NewIdempotencyRecord, work: () => Promise<T>): Promise<T> {
  return runs.run({ kind: 'keyed', record, committed: false, reads: new Map() }, work);
}

/**
 * Runs `work` (the same command again: same message id, same timestamp) in a replay view of every
 * `idempotentStore`, as the command's key record says it saw the store: each stream it read reads at
 * exactly the version it read then (another stream: only events before `firstPosition`, where its first
 * append began), `loadStream` skips snapshots, and an append must be a replay of events already stored.
 * The decider decides what it decided the first time, its appends are recognized as already appended,
 * and the handler answers what it answered then. Were it to decide otherwise (append other events, or
 * not re-append those that committed with the key), `work` fails with ReplayMismatchError and nothing
 * is written.
 */
export async function replaying<T>(
  record: Pick<IdempotencyRecord, 'readVersions'> & { readonly firstPosition: bigint },
  work: () => Promise<T>,
): Promise<T> {
  const run: Run = {
    kind: 'replay',
    before: record.firstPosition,
    readVersions: new Map(Object.entries(record.readVersions ?? {})),
    keyAppendReplayed: false,
  };
  const mismatch = () =>
    new ReplayMismatchError(
      `it did not append again the events that committed with its key (at position ${record.firstPosition})`,
    );
  let result: T;
  try {
    result = await runs.run(run, work);
  } catch (error) {
    // A refusal that did not re-append the key's events is another decision; any other failure (a store
    // out of reach) is no decision at all and goes as it is.
    if (isDomainError(error) && !run.keyAppendReplayed) throw mismatch();
    throw error;
  }
  if (!run.keyAppendReplayed) throw mismatch();
  return result;
}

/** In a replay view (see `replaying`): the position before which unread streams see events. */
export function replayCutoff(): bigint | undefined {
  const run = runs.getStore();
  return run?.kind === 'replay' ? run.before : undefined;
}

/**
 * An event store for command handlers: its first committing append carries the idempotency record of the
 * command being handled, if any (see `withIdempotencyKey`), and in a replay view (`replaying`) it
 * reads the past and only replays appends. Everything else passes through unchanged.
 */
export function idempotentStore<S extends EventStore>(store: S): S {
  const appendMany = async (
    appends: readonly StreamAppend[],
    options: AppendManyOptions = {},
  ): Promise<MultiAppendResult> => {
    const run = runs.getStore();
    if (run?.kind === 'replay') {
      if (await assertReplay(store, appends, run.before)) run.keyAppendReplayed = true;
      return store.appendMany(appends, options);
    }
    if (run?.kind !== 'keyed' || run.committed || appends.every((a) => a.events.length === 0)) {
      return store.appendMany(appends, options);
    }
    if (!isIdempotencyKeyStore(store)) {
      throw new ValidationError('this event store keeps no idempotency keys (it is no IdempotencyKeyStore)');
    }
    const readVersions = new Map(run.reads);
    // A stream appended at an exact version was read at that version (its latest read says so too,
    // unless the command read it otherwise than it loaded it).
    for (const { streamId, expectedVersion } of appends) {
      if (typeof expectedVersion === 'number') readVersions.set(streamId, expectedVersion);
      else if (expectedVersion === 'no_stream') readVersions.set(streamId, 0);
    }
    const record = { ...run.record, readVersions: Object.fromEntries(readVersions) };
    const result = await store.appendMany(appends, { ...options, idempotencyKey: record });
    run.committed = true;
    faultPoint('idempotency.key-committed');
    return result;
  };
  const append = async (streamId: string, events: readonly NewEvent[], options: AppendOptions = {}) => {
    const result = await appendMany([{ streamId, events, ...options }]);
    return result.streams[0] as AppendResult;
  };
  const readStream = async (streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    const run = runs.getStore();
    if (run?.kind === 'keyed' && !run.committed) {
      const events = await store.readStream(streamId, options);
      noteRead(run.reads, streamId, options, events);
      return events;
    }
    if (run?.kind !== 'replay') return store.readStream(streamId, options);
    // What the view sees is a prefix of the stream (positions grow with versions too). Read without the
    // limit, which may fall on events after the cut (replays are rare; this stays simple).
    const { limit, ...unlimited } = options;
    const version = run.readVersions.get(streamId);
    const seen = (await store.readStream(streamId, unlimited)).filter((e) =>
      version === undefined ? e.position < run.before : e.version <= version,
    );
    return limit === undefined ? seen : seen.slice(0, limit);
  };
  const streamVersion = async (streamId: string): Promise<number> => {
    const run = runs.getStore();
    if (run?.kind === 'keyed' && !run.committed) {
      const version = await store.streamVersion(streamId);
      run.reads.set(streamId, version);
      return version;
    }
    if (run?.kind !== 'replay') return store.streamVersion(streamId);
    const [last] = await readStream(streamId, { direction: 'backward', limit: 1 });
    return last?.version ?? 0;
  };
  const overridden: Record<PropertyKey, unknown> = { append, appendMany, readStream, streamVersion };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overridden, property)) return overridden[property];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The version a read shows the command (what it decides on): the last event's, or for a read that found
 * nothing, the version before where it started (a load from a snapshot). A read that may have stopped
 * short of the stream's end (a limit, backward from a version) shows at least its last event's.
 */
function noteRead(
  reads: Map<string, number>,
  streamId: string,
  options: ReadStreamOptions,
  events: readonly RecordedEvent[],
): void {
  const backward = options.direction === 'backward';
  const newest = backward ? events[0] : events.at(-1);
  const complete = backward
    ? options.from === undefined
    : options.limit === undefined || events.length < options.limit;
  if (complete) {
    // The stream's end as the command saw it: the latest read wins (a retried attempt reads again).
    const empty = backward ? 0 : Math.max((options.from ?? 1) - 1, 0);
    reads.set(streamId, newest?.version ?? empty);
  } else if (newest !== undefined) {
    reads.set(streamId, Math.max(newest.version, reads.get(streamId) ?? 0));
  }
}

/**
 * In a replay view an append may only replay what the command appended the first time (at or after the
 * cut): were the rebuild to decide otherwise, it must not write a second effect. Answers whether the
 * append replays the one that committed the key (an event of it is at the cut).
 */
async function assertReplay(
  store: EventStore,
  appends: readonly StreamAppend[],
  before: bigint,
): Promise<boolean> {
  let keyAppend = false;
  for (const { streamId, events, expectedVersion } of appends) {
    if (events.length === 0) continue;
    const from = typeof expectedVersion === 'number' ? expectedVersion + 1 : 1;
    const stored = new Map(
      (await store.readStream(streamId, { from }))
        .filter((e) => e.position >= before)
        .map((e) => [e.id, e.position]),
    );
    for (const { id } of events) {
      const position = id === undefined ? undefined : stored.get(id);
      if (position === undefined) {
        throw new ReplayMismatchError(`it appended an event not stored before to stream '${streamId}'`);
      }
      if (position === before) keyAppend = true;
    }
  }
  return keyAppend;
}
