import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  MultiAppendResult,
  NewEvent,
  StreamAppend,
} from './eventStore.js';
import { faultPoint } from './faultPoint.js';

/** An idempotency key as stored: written in the same transaction as the events of its command. */
export interface IdempotencyMark {
  /** The stream that records one caller's use of one key. */
  readonly streamId: string;
  /** The event that says the key was used; its id is deterministic, so a replay writes it once. */
  readonly event: NewEvent & { readonly id: string };
}

const marks = new AsyncLocalStorage<IdempotencyMark>();

/**
 * Runs `work` (typically sending a command) so that the first append it makes also writes `mark`, in
 * the same transaction: the key and the command's events commit together or not at all.
 */
export function withIdempotencyMark<T>(mark: IdempotencyMark, work: () => Promise<T>): Promise<T> {
  return marks.run(mark, work);
}

/**
 * An event store whose appends carry the idempotency mark of the command being handled, if any (see
 * `withIdempotencyMark`). Give it to command handlers; everything else passes through unchanged.
 */
export function idempotentStore<S extends EventStore>(store: S): S {
  const appendMany = async (appends: readonly StreamAppend[]): Promise<MultiAppendResult> => {
    const mark = marks.getStore();
    if (!mark || appends.some((a) => a.streamId === mark.streamId)) return store.appendMany(appends);
    const result = await store.appendMany([
      ...appends,
      { streamId: mark.streamId, events: [mark.event], expectedVersion: 'any' },
    ]);
    faultPoint('idempotency.key-committed');
    return result;
  };
  const append = async (streamId: string, events: readonly NewEvent[], options: AppendOptions = {}) => {
    if (!marks.getStore()) return store.append(streamId, events, options);
    const result = await appendMany([{ streamId, events, ...options }]);
    // The command's own stream answers, but at the position of the whole append (the mark is last).
    return { ...(result.streams[0] as AppendResult), position: result.position };
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') return append;
      if (property === 'appendMany') return appendMany;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
