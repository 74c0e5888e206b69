import { createHash } from 'node:crypto';
import { faultPoint, withIdempotencyMark, type EventStore, type IdempotencyMark } from '@janus/core';
import { ProblemError } from './problemError.js';

/** An answer as it was first given, kept so that a retry with the same key gets it again. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** A problem answer goes out as application/problem+json. */
  readonly problem: boolean;
}

const KEY_USED = 'janus.IdempotencyKeyUsed.v1';
const ANSWERED = 'janus.IdempotentAnswer.v1';
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
 * Idempotency keys kept in the event store: the key is written in the same transaction as the events of
 * its command (through core's `withIdempotencyMark`, so command handlers must use an `idempotentStore`),
 * and the answer right after. A retry with the same key, caller and body gets the first answer again; the
 * same key with another body is a 422; the same key while the first request runs here is a 409.
 */
export class IdempotencyKeys {
  readonly #store: EventStore;
  readonly #inFlight = new Set<string>();

  constructor(store: EventStore) {
    this.#store = store;
  }

  /**
   * Runs `execute` once per (caller, key): it gets a deterministic message id to send its command with,
   * and answers what to give the client. `fingerprint` identifies the request (method, path, body).
   */
  async run(
    key: string,
    caller: string,
    fingerprint: string,
    execute: (messageId: string) => Promise<StoredAnswer>,
  ): Promise<{ readonly answer: StoredAnswer; readonly replayed: boolean }> {
    const id = createHash('sha256').update(`${caller}\0${key}`).digest('hex').slice(0, 40);
    const streamId = `janus.idempotency-${id}`;
    if (this.#inFlight.has(streamId)) {
      throw new ProblemError(
        409,
        'idempotency-in-flight',
        'A request with this Idempotency-Key is still running.',
      );
    }
    this.#inFlight.add(streamId);
    try {
      const earlier = await this.#store.readStream(streamId);
      const used = earlier.find((e) => e.type === KEY_USED);
      if (used && (used.data as { fingerprint?: unknown }).fingerprint !== fingerprint) {
        throw new ProblemError(
          422,
          'idempotency-key-reused',
          'This Idempotency-Key was used for another request; use a new key for a new request.',
        );
      }
      const answered = earlier.find((e) => e.type === ANSWERED);
      if (answered) return { answer: answered.data as StoredAnswer, replayed: true };

      // Deterministic: after a crash between the command and its answer, the retry sends the very same
      // command, whose events the store recognizes as already appended.
      const messageId = `idem-${id}`;
      const mark: IdempotencyMark = {
        streamId,
        event: {
          id: `${messageId}:key`,
          type: KEY_USED,
          data: { key, caller, fingerprint, at: new Date().toISOString() },
        },
      };
      const answer = await withIdempotencyMark(mark, () => execute(messageId));
      faultPoint('idempotency.answer-unsaved');
      const stored = (await this.#store.readStream(streamId)).some((e) => e.type === KEY_USED);
      const answerEvent = { id: `${messageId}:answer`, type: ANSWERED, data: answer };
      await this.#store.append(streamId, stored ? [answerEvent] : [mark.event, answerEvent]);
      return { answer, replayed: false };
    } finally {
      this.#inFlight.delete(streamId);
    }
  }
}

/** What identifies a request for its key: method, path and body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}
