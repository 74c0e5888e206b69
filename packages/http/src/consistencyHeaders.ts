import { ValidationError } from '@janus/core';

/**
 * What the HTTP layer needs to let queries read their own writes. A ProjectionRunner fits as it is: the
 * projections named by a query route are passed along; without names, every projection counts.
 */
export interface Consistency {
  /** The position every named projection has processed: what a query answer reflects at least. */
  position(projections?: readonly string[]): Promise<bigint>;
  /** Resolves once the named projections processed the log up to `position`; TimeoutError after `timeoutMs`. */
  waitFor(
    position: bigint,
    options: {
      readonly timeoutMs: number;
      readonly projections?: readonly string[];
      readonly signal?: AbortSignal;
    },
  ): Promise<void>;
}

export interface ConsistencyLimits {
  /** The wait when the query sends X-Min-Position without X-Max-Wait-Ms (default 5000 ms). */
  readonly defaultWaitMs?: number;
  /** The longest wait a query may ask for (default 30000 ms); more is a 400. */
  readonly maxWaitMs?: number;
}

export interface ConsistencyRequest {
  /** Answer only once the read models reflect this position. */
  readonly minPosition: bigint;
  readonly waitMs: number;
}

const POSITION = /^\d{1,20}$/;
/** Positions are int64 in every store (PostgreSQL's bigint): a larger one is never reached. */
const MAX_POSITION = 9_223_372_036_854_775_807n;
const MILLISECONDS = /^\d{1,9}$/;

/**
 * Reads `X-Min-Position` and `X-Max-Wait-Ms`. Undefined without X-Min-Position; a ValidationError (400)
 * for a value that is not a plain non-negative integer or a wait above the maximum.
 */
export function parseConsistencyHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  limits: ConsistencyLimits = {},
): ConsistencyRequest | undefined {
  const { defaultWaitMs = 5000, maxWaitMs = 30_000 } = limits;
  const min = single(headers, 'X-Min-Position');
  const wait = single(headers, 'X-Max-Wait-Ms');
  let waitMs = defaultWaitMs;
  if (wait !== undefined) {
    if (!MILLISECONDS.test(wait)) invalid('X-Max-Wait-Ms', 'must be a non-negative integer');
    waitMs = Number(wait);
    if (waitMs > maxWaitMs) invalid('X-Max-Wait-Ms', `must be at most ${maxWaitMs}`);
  }
  if (min === undefined) return undefined;
  if (!POSITION.test(min)) invalid('X-Min-Position', 'must be a non-negative integer');
  const minPosition = BigInt(min);
  if (minPosition > MAX_POSITION) invalid('X-Min-Position', `must be an integer from 0 to ${MAX_POSITION}`);
  return { minPosition, waitMs };
}

function single(headers: Readonly<Record<string, string | string[] | undefined>>, name: string) {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return invalid(name, 'must be given once');
  return value?.trim();
}

function invalid(header: string, message: string): never {
  throw new ValidationError(`invalid header ${header}: ${message}`, [{ path: header, message }]);
}
