// N async callers sharing one subject, as the request handlers of one app share its store.
import { performance } from 'node:perf_hooks';

export interface Run {
  /** Operations done: `total`, or fewer when the time limit stopped the run. */
  readonly done: number;
  readonly seconds: number;
  /** Each operation's latency in milliseconds, by operation index. */
  readonly latencies: Float64Array;
}

/**
 * Runs operations 0 … total-1 with `callers` concurrent callers, each taking the next index as soon as
 * its previous operation finished, and times each operation and the whole run. After `limitSeconds` no
 * operation starts any more (those under way finish): a system far slower than the others then costs
 * minutes, not hours, and its figure covers the operations it did.
 */
export async function runCallers(
  total: number,
  callers: number,
  operation: (index: number) => Promise<unknown>,
  limitSeconds = Number.POSITIVE_INFINITY,
): Promise<Run> {
  const latencies = new Float64Array(total);
  const started = performance.now();
  const deadline = started + limitSeconds * 1000;
  let next = 0;
  // Indices are taken in order and time only moves on, so the operations done are 0 … done-1.
  let done = 0;
  const caller = async () => {
    for (let i = next++; i < total && performance.now() < deadline; i = next++) {
      const begun = performance.now();
      await operation(i);
      latencies[i] = performance.now() - begun;
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(callers, total) }, caller));
  return { done, seconds: (performance.now() - started) / 1000, latencies: latencies.subarray(0, done) };
}

/** What a figure should say when the time limit cut its run short. */
export const cutShort = (run: Run, total: number): { note?: string } =>
  run.done < total ? { note: `stopped at the time limit after ${run.done} of ${total}` } : {};
