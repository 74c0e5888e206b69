import { AsyncLocalStorage } from 'node:async_hooks';
import { ValidationError } from './errors.js';
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
  type NewIdempotencyRecord,
} from './idempotencyKeyStore.js';

/** What the command being handled does with its idempotency key. */
type Run =
  /** First use: the first append that commits writes the record with its events. */
  | { readonly kind: 'keyed'; readonly record: NewIdempotencyRecord; committed: boolean }
  /** A rebuild of an answer: every read sees the store as it was before `before`; appends only replay. */
  | { readonly kind: 'replay'; readonly before: bigint };

const runs = new AsyncLocalStorage<Run>();

/**
 * Runs `work` (typically sending a command) so that the first append it makes through an
 * `idempotentStore` that commits also writes `record`, in the same transaction: the key and the
 * command's events commit together or not at all. An append refused for a conflict writes nothing, so
 * the retried attempt carries the record again.
 */
export function withIdempotencyKey<T>(record: NewIdempotencyRecord, work: () => Promise<T>): Promise<T> {
  return runs.run({ kind: 'keyed', record, committed: false }, work);
}

/**
 * Runs `work` (the same command again: same message id, same timestamp) in a replay view of every
 * `idempotentStore`: reads see only the events before global position `before` (where the command's
 * first append began), `loadStream` skips snapshots, and an append must be a replay of events already
 * stored (it is refused otherwise, writing nothing). The decider decides what it decided the first time,
 * its appends are recognized as already appended, and the handler answers what it answered then.
 */
export function replayingBefore<T>(before: bigint, work: () => Promise<T>): Promise<T> {
  return runs.run({ kind: 'replay', before }, work);
}

/** In a replay view (see `replayingBefore`): the position before which reads see events. */
export function replayCutoff(): bigint | undefined {
  const run = runs.getStore();
  return run?.kind === 'replay' ? run.before : undefined;
}

/**
 * An event store for command handlers: its first committing append carries the idempotency record of the
 * command being handled, if any (see `withIdempotencyKey`), and in a replay view (`replayingBefore`) it
 * reads the past and only replays appends. Everything else passes through unchanged.
 */
export function idempotentStore<S extends EventStore>(store: S): S {
  const appendMany = async (
    appends: readonly StreamAppend[],
    options: AppendManyOptions = {},
  ): Promise<MultiAppendResult> => {
    const run = runs.getStore();
    if (run?.kind === 'replay') {
      await assertReplay(store, appends, run.before);
      return store.appendMany(appends, options);
    }
    if (run?.kind !== 'keyed' || run.committed || appends.every((a) => a.events.length === 0)) {
      return store.appendMany(appends, options);
    }
    if (!isIdempotencyKeyStore(store)) {
      throw new ValidationError('this event store keeps no idempotency keys (it is no IdempotencyKeyStore)');
    }
    const result = await store.appendMany(appends, { ...options, idempotencyKey: run.record });
    run.committed = true;
    faultPoint('idempotency.key-committed');
    return result;
  };
  const append = async (streamId: string, events: readonly NewEvent[], options: AppendOptions = {}) => {
    const result = await appendMany([{ streamId, events, ...options }]);
    return result.streams[0] as AppendResult;
  };
  const readStream = async (streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    const before = replayCutoff();
    if (before === undefined) return store.readStream(streamId, options);
    // A stream's positions grow with its versions: what the view sees is a prefix of the stream. Read
    // without the limit, which may fall on events after the cut (replays are rare; this stays simple).
    const { limit, ...unlimited } = options;
    const seen = (await store.readStream(streamId, unlimited)).filter((e) => e.position < before);
    return limit === undefined ? seen : seen.slice(0, limit);
  };
  const streamVersion = async (streamId: string): Promise<number> => {
    if (replayCutoff() === undefined) return store.streamVersion(streamId);
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
 * In a replay view an append may only replay what the command appended the first time (at or after the
 * cut): were the rebuild to decide otherwise, it must not write a second effect.
 */
async function assertReplay(store: EventStore, appends: readonly StreamAppend[], before: bigint) {
  for (const { streamId, events, expectedVersion } of appends) {
    if (events.length === 0) continue;
    const from = typeof expectedVersion === 'number' ? expectedVersion + 1 : 1;
    const stored = new Set(
      (await store.readStream(streamId, { from })).filter((e) => e.position >= before).map((e) => e.id),
    );
    if (!events.every((e) => e.id !== undefined && stored.has(e.id))) {
      throw new Error(
        `the replay of an idempotent command decided otherwise than its first run (stream '${streamId}'): ` +
          'nothing was written',
      );
    }
  }
}
