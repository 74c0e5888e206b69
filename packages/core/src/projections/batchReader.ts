import type { GlobalLog, RecordedEvent } from '../eventStore.js';

/** The batch of the log after a position. */
export type BatchReader = (after: bigint) => Promise<readonly RecordedEvent[]>;

/**
 * Reads each batch once, however many projections stand at its position: one reader serves one round of
 * the runner, so a batch is never older than the round that asked for it.
 */
export function batchReader(log: GlobalLog, limit: number): BatchReader {
  const batches = new Map<bigint, Promise<readonly RecordedEvent[]>>();
  return (after) => {
    let batch = batches.get(after);
    if (!batch) {
      batch = log.readAll({ after, limit });
      batches.set(after, batch);
    }
    return batch;
  };
}
