// A projection store with hooks around its calls: to hold a rebuild half-way, to answer an older read,
// or to play a process that died (every call from then on never returns).
import type {
  DocumentProjection,
  ProgressFeed,
  Projection,
  ProjectionRecord,
  ProjectionStore,
  ReadModels,
  RecordedEvent,
} from '@janus/core';
import type { PostgresProjectionStore } from '../postgresProjectionStore.js';

export type InterceptedStore = ProjectionStore & ReadModels & ProgressFeed;

export interface Hooks {
  /** Runs every store call (reads and writes alike): the place to freeze them all. */
  readonly around?: <T>(call: () => Promise<T>) => Promise<T>;
  /** Runs before each applyBatch; a promise that never settles freezes the caller there. */
  readonly beforeBatch?: (
    projection: Projection,
    generation: number,
    events: readonly RecordedEvent[],
  ) => Promise<void>;
  /** Runs after each applyBatch that committed. */
  readonly afterBatch?: (projection: Projection, generation: number, to: bigint) => Promise<void>;
  /** Sees each `records()` answer, and may answer something else (an older read, say). */
  readonly records?: (records: ProjectionRecord[]) => ProjectionRecord[];
}

/** `store`, with `hooks` around its calls; what no hook changes passes through unchanged. */
export function intercepted(store: PostgresProjectionStore, hooks: Hooks): InterceptedStore {
  const around = <T>(call: () => Promise<T>): Promise<T> => (hooks.around ? hooks.around(call) : call());
  return {
    ensure: (p) => around(() => store.ensure(p)),
    record: (name) => around(() => store.record(name)),
    records: () =>
      around(async () => {
        const records = await store.records();
        return hooks.records ? hooks.records(records) : records;
      }),
    applyBatch: (p, generation, events, from, to) =>
      around(async () => {
        await hooks.beforeBatch?.(p, generation, events);
        await store.applyBatch(p, generation, events, from, to);
        await hooks.afterBatch?.(p, generation, to);
      }),
    setFailure: (name, failure) => around(() => store.setFailure(name, failure)),
    requestRebuild: (name) => around(() => store.requestRebuild(name)),
    cancelRebuildRequest: (name) => around(() => store.cancelRebuildRequest(name)),
    beginRebuild: (p, total) => around(() => store.beginRebuild(p, total)),
    completeRebuild: (p, generation) => around(() => store.completeRebuild(p, generation)),
    skip: (name, position, reason) => around(() => store.skip(name, position, reason)),
    skips: (name) => around(() => store.skips(name)),
    documents: <D>(p: DocumentProjection<D> | string) => store.documents<D>(p),
    onProgress: (listener) => store.onProgress(listener),
  };
}

/** A promise that never settles: what a dead process's next step looks like. */
export const never = () => new Promise<never>(() => undefined);
