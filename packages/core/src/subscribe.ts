import { ValidationError } from './errors.js';
import type { GlobalLog, RecordedEvent } from './eventStore.js';

export interface SubscribeOptions {
  /** Start after this position (exclusive). Default 0n: the whole log. */
  readonly after?: bigint;
  /** Ends the iteration cleanly (no error) when aborted. */
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
  /** Re-reads the log this often even without a notification, for writers in other processes. */
  readonly pollIntervalMs?: number;
}

/**
 * Follows the global log: catches up from `after`, then yields new events as they are committed, each
 * exactly once and in order. Wakes on appends through this process's store, and polls for the others.
 */
export async function* subscribe(
  log: GlobalLog,
  options: SubscribeOptions = {},
): AsyncGenerator<RecordedEvent> {
  const { signal, batchSize = 500, pollIntervalMs = 1000 } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ValidationError(`'batchSize' must be a positive integer, got ${String(batchSize)}`);
  }
  let after = options.after ?? 0n;
  // Counts notifications, so that an append landing while a batch is read is never waited for.
  let appends = 0;
  let wake: (() => void) | undefined;
  const unsubscribe = log.onAppended(() => {
    appends++;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      const seen = appends;
      const batch = await log.readAll({ after, limit: batchSize });
      for (const event of batch) {
        if (signal?.aborted) return;
        yield event;
        after = event.position;
      }
      if (batch.length === batchSize || appends !== seen) continue;
      await new Promise<void>((resolve) => {
        if (signal?.aborted) {
          resolve();
          return;
        }
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
