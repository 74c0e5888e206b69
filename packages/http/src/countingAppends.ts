import type {
  AppendManyOptions,
  AppendOptions,
  EventStore,
  MultiAppendResult,
  NewEvent,
  StreamAppend,
} from '@janus/core';
import type { JanusMetrics } from './janusMetrics.js';

/**
 * The event store as the command handlers get it: every successful append counts its events in the
 * `janus_events_appended_total` metric. Everything else passes through unchanged.
 */
export function countingAppends<S extends EventStore>(store: S, metrics: JanusMetrics): S {
  const count = (events: number) => {
    metrics.eventsAppended(events);
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
