import { createHash } from 'node:crypto';
import {
  faultPoint,
  isIdempotencyKeyConflictError,
  replaying,
  uuidv7,
  withIdempotencyKey,
  type IdempotencyKeyStore,
  type IdempotencyRecord,
  type NewIdempotencyRecord,
} from '@janus/core';
import { canonicalJson } from './canonicalJson.js';
import { ProblemError } from './problemError.js';

/** An answer as it was first given, kept so that a retry with the same key gets it again. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** A problem answer goes out as application/problem+json. */
  readonly problem: boolean;
}

/** What a keyed command runs with: on first use a fresh id and now; in a rebuild, those of the first run. */
export interface KeyedRun {
  readonly messageId: string;
  readonly timestamp: string;
}

export interface IdempotencyOptions {
  /** Where key records live: the event store the command handlers append to (through `idempotentStore`). */
  readonly store: IdempotencyKeyStore;
  /** How long a key is kept: after that, the same key is a new request. Default 24 hours. */
  readonly ttlMs?: number;
  /** How often expired records are deleted while the app runs. Default every 10 minutes. */
  readonly sweepIntervalMs?: number;
  /**
   * The clock a new key's time and expiry are taken from, in epoch ms. Default Date.now. The store judges
   * expiry by its own clock, so tests can write a key that is already past its lifetime.
   */
  readonly now?: () => number;
}

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60_000;
/** 1–255 visible ASCII characters, as the contract says. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** Parses the Idempotency-Key header: undefined when absent, a 400 problem when malformed. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !VALID_KEY.test(header)) {
    throw new ProblemError(
      400,
      'validation-error',
      'Idempotency-Key must be 1 to 255 visible ASCII characters.',
      {
        extensions: { errors: [{ path: 'Idempotency-Key', message: 'invalid' }] },
      },
    );
  }
  return header;
}

/**
 * Idempotency keys kept with the events, apart from the global log. On first use a command runs with a
 * fresh message id, and its first append commits the key record with its events (through core's
 * `withIdempotencyKey`, so command handlers must append through an `idempotentStore`); its answer is
 * saved on the record afterwards. A retry replays the saved answer; when the process died before the
 * answer was saved, the retry rebuilds it: the same command, same message id and timestamp, in a replay
 * view of the store as the command read it (core's `replaying`), which decides what it decided the first
 * time and writes nothing; were it to decide otherwise, a 409 concurrency-conflict, never another answer. The same key with another body is a 422; while the first
 * request runs here, a 409.
 */
export class IdempotencyKeys {
  readonly #store: IdempotencyKeyStore;
  readonly #ttlMs: number;
  readonly #sweepIntervalMs: number;
  readonly #now: () => number;
  readonly #inFlight = new Set<string>();

  constructor(options: IdempotencyOptions) {
    const ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new TypeError(`ttlMs must be positive, got ${ttlMs}`);
    this.#store = options.store;
    this.#ttlMs = ttlMs;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Runs `execute` once per (caller, key), and answers what to give the client. `execute` sends the
   * command with the run's message id and timestamp, and answers the answer to keep; it throws what is
   * not to be kept (401, 403, 404, conflicts, faults), and nothing of those is stored.
   */
  async run(
    key: string,
    caller: string,
    fingerprint: string,
    execute: (run: KeyedRun) => Promise<StoredAnswer>,
    onAnswerNotSaved: (error: unknown) => void = () => undefined,
  ): Promise<{ readonly answer: StoredAnswer; readonly replayed: boolean }> {
    const id = `${caller}\0${key}`;
    if (this.#inFlight.has(id)) {
      throw new ProblemError(
        409,
        'idempotency-in-flight',
        'A request with this Idempotency-Key is still running.',
      );
    }
    this.#inFlight.add(id);
    try {
      const found = await this.#store.readIdempotencyKey(caller, key);
      if (found) return await this.#answerFrom(found, fingerprint, execute, onAnswerNotSaved);

      const now = this.#now();
      const record: NewIdempotencyRecord = {
        scope: caller,
        key,
        fingerprint,
        // Time-ordered, like every command's: its event ids derive from it.
        messageId: uuidv7(now),
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + this.#ttlMs).toISOString(),
      };
      let answer: StoredAnswer;
      try {
        answer = await withIdempotencyKey(record, () =>
          execute({ messageId: record.messageId, timestamp: record.issuedAt }),
        );
      } catch (error) {
        // Another request (here or in another process) committed this key first: answer as it did.
        if (!isIdempotencyKeyConflictError(error)) throw error;
        const winner = await this.#store.readIdempotencyKey(caller, key);
        if (!winner) throw error;
        return await this.#answerFrom(winner, fingerprint, execute, onAnswerNotSaved);
      }
      faultPoint('idempotency.answer-unsaved');
      // A refusal that appended nothing has no record yet: this saves it, durably, before it is answered.
      const saved = await this.#saveAnswer({ ...record, answer }, onAnswerNotSaved);
      if (saved && saved.messageId !== record.messageId) {
        // Another request took the key while this one appended nothing: its answer is the answer.
        return await this.#answerFrom(saved, fingerprint, execute, onAnswerNotSaved);
      }
      return { answer, replayed: false };
    } finally {
      this.#inFlight.delete(id);
    }
  }

  /** Deletes the expired records every `sweepIntervalMs` (an unref'd timer); answers a function that stops it. */
  sweepExpired(onError: (error: unknown) => void): () => void {
    const timer = setInterval(() => {
      this.#store.deleteExpiredIdempotencyKeys().catch(onError);
    }, this.#sweepIntervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
    };
  }

  /** The answer of a request whose key a record holds: saved, or rebuilt from what committed. */
  async #answerFrom(
    found: IdempotencyRecord,
    fingerprint: string,
    execute: (run: KeyedRun) => Promise<StoredAnswer>,
    onAnswerNotSaved: (error: unknown) => void,
  ): Promise<{ readonly answer: StoredAnswer; readonly replayed: boolean }> {
    if (found.fingerprint !== fingerprint) {
      throw new ProblemError(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was used for another request; use a new key for a new request.',
      );
    }
    if (found.answer !== undefined) return { answer: found.answer as StoredAnswer, replayed: true };
    if (found.firstPosition === undefined) {
      throw new Error(`the idempotency record of key '${found.key}' has neither an answer nor a position`);
    }
    // The events committed, the answer was not saved: the same command again, reading each stream at the
    // version it read then, answers what it answered then (or fails with ReplayMismatchError, a 409).
    const { firstPosition } = found;
    const answer = await replaying({ ...found, firstPosition }, () =>
      execute({ messageId: found.messageId, timestamp: found.issuedAt }),
    );
    const { scope, key, messageId, issuedAt, expiresAt } = found;
    const saved = await this.#saveAnswer(
      { scope, key, fingerprint, messageId, issuedAt, expiresAt, answer },
      onAnswerNotSaved,
    );
    return { answer: (saved?.answer as StoredAnswer | undefined) ?? answer, replayed: true };
  }

  /**
   * Saves an answer; a save that fails is reported and answers undefined. The answer is given all the
   * same: what the command did is done (its events committed, or it appended nothing), and a retry
   * rebuilds the answer from what committed, or runs a refusal that wrote nothing again.
   */
  async #saveAnswer(
    record: NewIdempotencyRecord & { readonly answer: StoredAnswer },
    onAnswerNotSaved: (error: unknown) => void,
  ): Promise<IdempotencyRecord | undefined> {
    try {
      return await this.#store.saveIdempotencyAnswer(record);
    } catch (error) {
      onAnswerNotSaved(error);
      return undefined;
    }
  }
}

/** What identifies a request for its key: method, path and body (as canonical JSON: key order is no difference). */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}
