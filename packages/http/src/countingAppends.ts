import {
  replayCutoff,
  type AppendManyOptions,
  type AppendOptions,
  type EventStore,
  type MultiAppendResult,
  type NewEvent,
  type StreamAppend,
} from '@janus/core';
import type { JanusMetrics } from './janusMetrics.js';

/**
 * The event store as the command handlers get it: every successful append counts its events in the
 * `janus_events_appended_total` metric. Everything else passes through unchanged. An append in the replay
 * view of an idempotency key (the rebuild of a lost answer, see `replaying`) counts nothing: it can only
 * re-append events already stored, which writes nothing.
 */
export function countingAppends<S extends EventStore>(store: S, metrics: JanusMetrics): S {
  const count = (events: number) => {
    if (replayCutoff() === undefined) metrics.eventsAppended(events);
  };
  const appendMany = async (
    appends: readonly StreamAppend[],
    options?: AppendManyOptions,
  ): Promise<MultiAppendResult> => {
    const result = await store.appendMany(appends, options);
    count(appends.reduce((n, a) => n + a.events.length, 0));
    return result;
  };
  const append = async (streamId: string, events: readonly NewEvent[], options?: AppendOptions) => {
    const result = await store.append(streamId, events, options);
    count(events.length);
    return result;
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
