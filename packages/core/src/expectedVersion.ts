import { ConcurrencyError, ValidationError } from './errors.js';
import type { ExpectedVersion } from './eventStore.js';

/** Throws ConcurrencyError unless a stream at `actual` satisfies `expected`. Shared by every store. */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 0) ||
    (expected === 'exists' && actual > 0) ||
    expected === actual;
  if (!ok) throw new ConcurrencyError(streamId, String(expected), actual);
}

/** Throws a ValidationError for an expected version that is not one of the allowed forms. */
export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  const valid =
    expected === 'any' ||
    expected === 'no_stream' ||
    expected === 'exists' ||
    (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0);
  if (!valid) throw new ValidationError(`invalid expected version: ${String(expected)}`);
}
