// Pure arithmetic of the report: medians of repetitions, percentiles of latencies, Janus's ratios.

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The nearest-rank percentile `p` (0–100) of values sorted ascending: the smallest value that at least
 * p % of the values are at or below. NaN for none.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1] as number;
}

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
}

/** p50 and p99 of latencies in any order (sorts a copy). */
export function latencies(values: ArrayLike<number>): Latencies {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/**
 * How many times faster Janus is than another system: above 1, Janus is faster. For figures where
 * lower is better (milliseconds, nanoseconds) the quotient is turned around so that it reads the same way.
 */
export function speedup(janus: number, other: number, higherIsBetter: boolean): number {
  return higherIsBetter ? janus / other : other / janus;
}
