// /ready and /metrics are never rate-limited, and each asks the database (runner status, projection
// positions): a flood of them would load it. Through sharedCheck, concurrent callers share one check in
// flight, and its outcome (success or failure) is reused for a short while.

export interface SharedCheckOptions {
  /** How long an outcome is reused after it settled, in ms; 0: only concurrent callers share it. */
  readonly maxAgeMs: number;
  /** The clock, in epoch ms. Default Date.now. */
  readonly now?: () => number;
}

/** `check`, run at most once at a time, its outcome reused for `maxAgeMs` after it settled. */
export function sharedCheck<T>(check: () => Promise<T>, options: SharedCheckOptions): () => Promise<T> {
  const { maxAgeMs } = options;
  if (!(Number.isFinite(maxAgeMs) && maxAgeMs >= 0)) {
    throw new TypeError(`maxAgeMs must be a non-negative number, got ${maxAgeMs}`);
  }
  const now = options.now ?? Date.now;
  let latest: { readonly outcome: Promise<T>; settledAt?: number } | undefined;
  return () => {
    if (latest && (latest.settledAt === undefined || now() - latest.settledAt < maxAgeMs)) {
      return latest.outcome;
    }
    const entry: { readonly outcome: Promise<T>; settledAt?: number } = {
      outcome: (async () => check())(),
    };
    latest = entry;
    const settle = () => {
      entry.settledAt = now();
    };
    entry.outcome.then(settle, settle);
    return entry.outcome;
  };
}
