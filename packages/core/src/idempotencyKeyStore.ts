import { ValidationError } from './errors.js';

/**
 * An idempotency key as a store keeps it: one caller's (scope's) use of one key. Written in the same
 * transaction as the events of the command it names, apart from the global log (no reader of the log
 * ever sees it), and forgotten once expired.
 */
export interface IdempotencyRecord {
  /** Whose key it is: the caller (a principal id); keys of different callers never meet. */
  readonly scope: string;
  readonly key: string;
  /** What identifies the request the key was first used for (method, path, body). */
  readonly fingerprint: string;
  /** The message id the command ran with: its events' ids derive from it. */
  readonly messageId: string;
  /** The command's timestamp, exactly as it ran with it. */
  readonly issuedAt: string;
  /**
   * Per stream, the version the command read before it decided (the state it decided on): a rebuild of
   * its answer reads each stream at exactly that version. Absent on records written without it.
   */
  readonly readVersions?: Readonly<Record<string, number>>;
  /** ISO 8601 UTC; from then on the record is ignored, and the same key is a new request. */
  readonly expiresAt: string;
  /** Set by the store: the global position of the first event of the append that wrote the record. */
  readonly firstPosition?: bigint;
  /** The answer given, as JSON, once saved. */
  readonly answer?: unknown;
}

/** A record as a command starts it: no answer yet, and no position (the store sets it). */
export type NewIdempotencyRecord = Omit<IdempotencyRecord, 'firstPosition' | 'answer'>;

/** Options of `EventStore.appendMany`. */
export interface AppendManyOptions {
  /**
   * Writes this record in the append's own transaction, with `firstPosition` set. When an unexpired
   * record for its (scope, key) exists, the append fails with IdempotencyKeyConflictError and writes
   * nothing; an expired one is replaced. An append that replays stored events writes no record. Only a
   * store that is an IdempotencyKeyStore takes it; any other refuses it with a ValidationError.
   */
  readonly idempotencyKey?: NewIdempotencyRecord;
}

/** Idempotency keys kept with the events, in the same database, but not in the global log. */
export interface IdempotencyKeyStore {
  /** The unexpired record of (scope, key), if any. */
  readIdempotencyKey(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Saves an answer, durably: on the unexpired record of (scope, key) when it is this one (same message
   * id) and has no answer yet; as a new record (replacing an expired one) when there is none. Answers the
   * record as stored: when another request's record holds the key, or the answer was saved before, that
   * one, unchanged.
   */
  saveIdempotencyAnswer(
    record: NewIdempotencyRecord & { readonly answer: unknown },
  ): Promise<IdempotencyRecord>;
  /** Deletes the expired records; answers how many. */
  deleteExpiredIdempotencyKeys(): Promise<number>;
}

/** Whether a store keeps idempotency keys (the capability may hide behind a proxy, so: by its methods). */
export function isIdempotencyKeyStore(store: object): store is IdempotencyKeyStore {
  const candidate = store as Partial<IdempotencyKeyStore>;
  return (
    typeof candidate.readIdempotencyKey === 'function' &&
    typeof candidate.saveIdempotencyAnswer === 'function' &&
    typeof candidate.deleteExpiredIdempotencyKeys === 'function'
  );
}

/**
 * Checks a record's fields, the same way in every store; answers its expiry in epoch milliseconds.
 * Throws ValidationError.
 */
export function validateIdempotencyRecord(record: NewIdempotencyRecord): number {
  for (const field of ['scope', 'key', 'fingerprint', 'messageId', 'issuedAt'] as const) {
    if (typeof record[field] !== 'string' || record[field].length === 0) {
      throw new ValidationError(`an idempotency record needs a non-empty '${field}'`);
    }
  }
  if (Number.isNaN(Date.parse(record.issuedAt))) {
    throw new ValidationError(
      `an idempotency record's 'issuedAt' must be an instant, got '${record.issuedAt}'`,
    );
  }
  const expires = typeof record.expiresAt === 'string' ? Date.parse(record.expiresAt) : Number.NaN;
  if (Number.isNaN(expires)) {
    throw new ValidationError(
      `an idempotency record's 'expiresAt' must be an instant, got '${record.expiresAt}'`,
    );
  }
  const versions: unknown = record.readVersions;
  if (versions !== undefined) {
    const valid =
      typeof versions === 'object' &&
      versions !== null &&
      !Array.isArray(versions) &&
      Object.values(versions).every((v) => Number.isSafeInteger(v) && (v as number) >= 0);
    if (!valid) {
      throw new ValidationError(
        "an idempotency record's 'readVersions' must map stream ids to versions (integers from 0)",
      );
    }
  }
  return expires;
}

/** The fields of a record a store keeps from a new one (and nothing else the caller's object holds). */
export function idempotencyRecordFields(record: NewIdempotencyRecord): NewIdempotencyRecord {
  const { scope, key, fingerprint, messageId, issuedAt, expiresAt, readVersions } = record;
  return {
    scope,
    key,
    fingerprint,
    messageId,
    issuedAt,
    expiresAt,
    ...(readVersions === undefined ? {} : { readVersions }),
  };
}
