// N async callers sharing one subject, as the request handlers of one app share its store.
import { performance } from 'node:perf_hooks';

export interface Run {
  readonly seconds: number;
  /** Each operation's latency in milliseconds, by operation index. */
  readonly latencies: Float64Array;
}

/**
 * Runs operations 0 … total-1 with `callers` concurrent callers, each taking the next index as soon as
 * its previous operation finished, and times each operation and the whole run.
 */
export async function runCallers(
  total: number,
  callers: number,
  operation: (index: number) => Promise<unknown>,
): Promise<Run> {
  const latencies = new Float64Array(total);
  let next = 0;
  const caller = async () => {
    for (let i = next++; i < total; i = next++) {
      const started = performance.now();
      await operation(i);
      latencies[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(callers, total) }, caller));
  return { seconds: (performance.now() - started) / 1000, latencies };
}
