/**
 * Errors that know nothing about transports: an HTTP adapter maps them to statuses, a CLI to exit codes.
 * Each has a stable `code` and a type guard, so callers never depend on `instanceof` across copies.
 */
export abstract class JanusError extends Error {
  abstract readonly code: string;
  override get name(): string {
    return this.constructor.name;
  }
}

export interface ValidationIssue {
  /** Dotted path to the offending field, '' for the message itself. */
  readonly path: string;
  readonly message: string;
}

/** Input that does not match its schema; nothing was changed. */
export class ValidationError extends JanusError {
  readonly code = 'validation-error';
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(message);
  }
}

/** The thing asked for does not exist (or the caller may not know it exists). */
export class NotFoundError extends JanusError {
  readonly code = 'not-found';
}

/** The caller is known but may not do this. */
export class ForbiddenError extends JanusError {
  readonly code = 'forbidden';
}

/** An optimistic-concurrency check failed: the stream moved on since it was read. */
export class ConcurrencyError extends JanusError {
  readonly code = 'concurrency-conflict';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number,
  ) {
    super(`stream '${streamId}' is at version ${actual}, expected ${expected}`);
  }
}

/** A business rule refused the command. `code` is stable and meant for clients (e.g. 'insufficient-funds'). */
export class DomainError extends JanusError {
  constructor(
    readonly code: string,
    message: string = code,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/**
 * An append carried an idempotency key that an unexpired record holds already: another request with the
 * same key committed first. The append wrote nothing; answer from the record instead.
 */
export class IdempotencyKeyConflictError extends JanusError {
  readonly code = 'idempotency-key-conflict';
  constructor(
    readonly scope: string,
    readonly key: string,
  ) {
    super(`the idempotency key '${key}' of '${scope}' is in use`);
  }
}

/**
 * The rebuild of an idempotent command's lost answer decided otherwise than its first run did (it did
 * not re-append the events that committed with the key, or appended others): nothing was written, and
 * no answer can be given for sure. Never answer a different success in its place.
 */
export class ReplayMismatchError extends JanusError {
  readonly code = 'replay-mismatch';
  constructor(readonly detail: string) {
    super(
      `the replay of an idempotent command decided otherwise than its first run: ${detail}; nothing was written`,
    );
  }
}

/** A bounded wait ran out (for example waiting for a projection to reach a position). */
export class TimeoutError extends JanusError {
  readonly code = 'timeout';
}

/** A bus has no handler for the message type. */
export class NoHandlerError extends JanusError {
  readonly code = 'no-handler';
  constructor(
    readonly kind: string,
    readonly type: string,
  ) {
    super(`no ${kind} handler is registered for '${type}'`);
  }
}

const guard =
  <E extends JanusError>(cls: abstract new (...args: never[]) => E) =>
  (error: unknown): error is E =>
    error instanceof cls;

export const isJanusError = guard(JanusError);
export const isValidationError = guard(ValidationError);
export const isNotFoundError = guard(NotFoundError);
export const isForbiddenError = guard(ForbiddenError);
export const isConcurrencyError = guard(ConcurrencyError);
export const isDomainError = guard(DomainError);
export const isTimeoutError = guard(TimeoutError);
export const isIdempotencyKeyConflictError = guard(IdempotencyKeyConflictError);
export const isNoHandlerError = guard(NoHandlerError);
export const isReplayMismatchError = guard(ReplayMismatchError);
export const isSchemaVersionError = (e: unknown): e is SchemaVersionError => e instanceof SchemaVersionError;
export const isStoreClosedError = (e: unknown): e is StoreClosedError => e instanceof StoreClosedError;
export const isStoreUnavailableError = (e: unknown): e is StoreUnavailableError =>
  e instanceof StoreUnavailableError;

/** A store's data was written by a newer version of its package, with a schema this version does not know. */
export class SchemaVersionError extends JanusError {
  readonly code = 'schema-version-unsupported';
  constructor(
    /** What was opened: "the SQLite file 'x.db'", "the PostgreSQL schema 'janus'". */
    readonly location: string,
    /** The schema version found there. */
    readonly foundVersion: number,
    /** The newest schema version this code knows. */
    readonly supportedVersion: number,
    /** The package to upgrade. */
    readonly packageName: string,
  ) {
    super(
      `${location} has schema version ${foundVersion}, but this ${packageName} supports versions up to ` +
        `${supportedVersion}: upgrade ${packageName} to open it`,
    );
  }
}

/** An operation reached a store after its `close()`. */
export class StoreClosedError extends JanusError {
  readonly code = 'store-closed';
  constructor(readonly store: string) {
    super(`${store} is closed`);
  }
}

/**
 * A store could not be reached for a moment (its connection was lost, the server restarts or refuses
 * connections): retrying later may succeed. Nothing was done, unless `outcomeUnknown` says that a write
 * was in flight when the connection went and whether it committed could not be found out.
 */
export class StoreUnavailableError extends JanusError {
  readonly code = 'unavailable';
  readonly outcomeUnknown: boolean;
  constructor(
    message: string,
    options: { readonly cause?: unknown; readonly outcomeUnknown?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/**
 * The configuration asks for a store whose driver package is not installed (the drivers are optional
 * peer dependencies, so that a PostgreSQL user never compiles better-sqlite3 and an SQLite user needs no pg).
 */
export class MissingDriverError extends JanusError {
  readonly code = 'missing-driver';
  constructor(
    /** The package to install: '@janus/sqlite', '@janus/postgres'. */
    readonly packageName: string,
    /** What needed it: 'an SQLite file', 'DATABASE_URL'. */
    readonly neededFor: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super(
      `${neededFor} needs the package ${packageName}, which is not installed: run \`npm install ${packageName}\``,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

export const isMissingDriverError = (e: unknown): e is MissingDriverError => e instanceof MissingDriverError;

/**
 * A decider's refusal for something that does not exist (`fail('not-found')`, a DomainError) as the
 * transport-neutral NotFoundError (a 404 over HTTP, not a 422); any other error as it is.
 */
export function notFoundAsError(error: unknown): unknown {
  return isDomainError(error) && error.code === 'not-found' ? new NotFoundError(error.message) : error;
}
