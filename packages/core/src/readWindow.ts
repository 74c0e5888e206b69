import { ValidationError } from './errors.js';
import type { ReadAllOptions, ReadStreamOptions } from './eventStore.js';

/** The events of a stream (ordered by version, starting at 1) that a ReadStreamOptions selects. */
export function readWindow<E>(stream: readonly E[], options: ReadStreamOptions): E[] {
  const { direction = 'forward', limit } = validateReadStreamOptions(options);
  if (direction === 'forward') {
    const start = Math.max((options.from ?? 1) - 1, 0);
    return stream.slice(start, limit === undefined ? undefined : start + limit);
  }
  const end = Math.min(options.from ?? stream.length, stream.length);
  const start = limit === undefined ? 0 : Math.max(end - limit, 0);
  return stream.slice(start, Math.max(end, 0)).reverse();
}

/** Checks read options the same way in every store. */
export function validateReadStreamOptions(options: ReadStreamOptions): ReadStreamOptions {
  const { from, limit, direction } = options;
  if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) {
    throw new ValidationError(`'from' must be a non-negative integer, got ${String(from)}`);
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new ValidationError(`'limit' must be a non-negative integer, got ${String(limit)}`);
  }
  // Checked at run time too: JavaScript callers and HTTP adapters pass what they were given.
  const d: string | undefined = direction;
  if (d !== undefined && d !== 'forward' && d !== 'backward') {
    throw new ValidationError(`'direction' must be 'forward' or 'backward'`);
  }
  return options;
}

/** Checks global-log read options the same way in every store. */
export function validateReadAllOptions(options: ReadAllOptions): ReadAllOptions {
  const after: unknown = options.after ?? 0n;
  if (typeof after !== 'bigint' || after < 0n) {
    throw new ValidationError(`'after' must be a non-negative bigint, got ${String(after)}`);
  }
  validateReadStreamOptions({ limit: options.limit });
  return options;
}
