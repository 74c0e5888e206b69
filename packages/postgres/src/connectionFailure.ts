import { StoreUnavailableError, isStoreUnavailableError } from '@janus/core';

/**
 * SQLSTATEs that mean the connection, not the statement, failed: class 08 (connection exception), and
 * the server ending sessions (57P01 admin shutdown or pg_terminate_backend, 57P02 crash shutdown, 57P03
 * cannot connect now) or refusing new ones (53300 too many connections).
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Node's socket errors: the server cannot be reached, or the connection broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's own words for a connection that broke, or a pool that could not open one. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
];

/** Whether `error` says the database could not be reached or the connection was lost (not what was sent). */
export function isConnectionFailure(error: unknown): boolean {
  if (isStoreUnavailableError(error)) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code) || SERVER_CODES.has(code) || SOCKET_CODES.has(code)) return true;
  }
  // Connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with every one.
  if (error instanceof AggregateError && error.errors.some(isConnectionFailure)) return true;
  if (DRIVER_MESSAGES.some((words) => words.test(error.message))) return true;
  return error.cause !== undefined && error.cause !== error && isConnectionFailure(error.cause);
}

/** A connection failure as StoreUnavailableError (the cause kept, for the logs); any other error as it is. */
export function unavailableOr(error: unknown, options: { readonly outcomeUnknown?: boolean } = {}): unknown {
  if (isStoreUnavailableError(error) || !isConnectionFailure(error)) return error;
  const words = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`PostgreSQL cannot be reached for now: ${words}`, {
    cause: error,
    ...options,
  });
}

/** The promise, with a lost or refused connection turned into StoreUnavailableError. */
export function orUnavailable<T>(pending: Promise<T>): Promise<T> {
  return pending.catch((error: unknown) => {
    throw unavailableOr(error);
  });
}
