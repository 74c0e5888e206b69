import type { EventStore, RecordedEvent } from '../eventStore.js';

export interface FoldStreamOptions {
  /** Only events recorded at or before this instant (ISO 8601). */
  readonly asOf?: string;
  /** Only events up to this stream version. */
  readonly toVersion?: number;
}

/**
 * A live projection: folds a stream on read, optionally as it stood at an instant or a version. Nothing
 * is stored, so it is always exactly what the events say, at the cost of reading the stream.
 */
export async function foldStream<S>(
  store: EventStore,
  streamId: string,
  fold: { initialState(): S; evolve(state: S, event: RecordedEvent): S },
  options: FoldStreamOptions = {},
): Promise<{ state: S; version: number; events: number }> {
  const until = options.asOf === undefined ? undefined : Date.parse(options.asOf);
  if (until !== undefined && Number.isNaN(until))
    throw new TypeError(`invalid instant '${options.asOf ?? ''}'`);
  let state = fold.initialState();
  let version = 0;
  const pageSize = 1000;
  for (let from = 1; ; from += pageSize) {
    const page = await store.readStream(streamId, { from, limit: pageSize });
    for (const event of page) {
      if (until !== undefined && Date.parse(event.recordedAt) > until)
        return { state, version, events: version };
      if (options.toVersion !== undefined && event.version > options.toVersion) {
        return { state, version, events: version };
      }
      state = fold.evolve(state, event);
      version = event.version;
    }
    if (page.length < pageSize) return { state, version, events: version };
  }
}
