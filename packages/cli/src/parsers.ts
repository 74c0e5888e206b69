import { InvalidArgumentError } from 'commander';

// Parsers for commander: a bad value is a usage error (exit 2), reported before anything is opened.

const digits = /^\d+$/;

/** An integer ≥ 1 that a number holds exactly (limits, versions). */
export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!digits.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  }
  return n;
}

/** A position in the global log: an integer ≥ 0, as a bigint. */
export function parsePosition(value: string): bigint {
  if (!digits.test(value))
    throw new InvalidArgumentError(`expected a log position (0, 1, 2, …), got '${value}'`);
  return BigInt(value);
}

/** Seconds, possibly fractional, ≥ 0. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number of seconds ≥ 0, got '${value}'`);
  }
  return n;
}
