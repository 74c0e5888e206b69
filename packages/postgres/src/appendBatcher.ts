import {
  ConcurrencyError,
  IdempotencyKeyConflictError,
  StoreUnavailableError,
  ValidationError,
  isStoreUnavailableError,
  upcast,
  uuidv7,
  type AppendResult,
  type MultiAppendResult,
  type NewIdempotencyRecord,
  type Projection,
  type RecordedEvent,
  type StreamAppend,
  type Upcasters,
} from '@janus/core';
import {
  encodePayload,
  encodeReadVersions,
  idempotencyRecordFields,
  validateAppends,
  validateIdempotencyRecord,
  writtenEvent,
  type StoredPayload,
} from '@janus/core/store-kit';
import type pg from 'pg';
import type { PostgresProjectionStore } from './postgresProjectionStore.js';
import { quoteIdentifier } from './pool.js';
import { backendPid, transaction, withClient } from './withClient.js';

/** An append as the append_batch function takes it: ids given, data and metadata as JSON text. */
interface EncodedAppend {
  readonly streamId: string;
  readonly expected: string;
  readonly events: readonly ({ readonly id: string; readonly type: string } & StoredPayload)[];
}

/** An idempotency key record to write with an append. */
interface EncodedKey {
  readonly record: NewIdempotencyRecord;
  /** expiresAt, normalized. */
  readonly expires: string;
}

/** One append of a batch, as append_batch takes it. */
interface BatchAppend {
  readonly appends: readonly EncodedAppend[];
  readonly key: EncodedKey | undefined;
}

interface Job extends BatchAppend {
  readonly resolve: (result: MultiAppendResult) => void;
  readonly reject: (error: unknown) => void;
}

interface StreamOutcome {
  readonly streamId: string;
  readonly version: number;
  readonly position: string;
  readonly firstPosition: string | null;
}

type BatchOutcome =
  | {
      readonly ok: true;
      readonly result: {
        readonly replay: boolean;
        readonly streams: StreamOutcome[];
        readonly position: string;
      };
    }
  | {
      readonly ok: false;
      readonly code: 'concurrency' | 'validation' | 'idempotency';
      readonly message: string;
      readonly detail: string | null;
    };

/** What append_batch answers: one outcome per job. */
interface BatchAnswer {
  readonly recordedAt: string;
  readonly results: BatchOutcome[];
}

/** What is stored of the jobs of a batch whose commit was in doubt. */
interface Stored {
  readonly events: ReadonlyMap<string, { stream_id: string; version: number; position: bigint }>;
  /** The streams of appends without events, as they are now. */
  readonly streams: ReadonlyMap<string, { version: number; position: bigint }>;
}

/** The connection was lost while these jobs' batch was committing: whether it did is not known yet. */
class UncertainCommit extends Error {
  constructor(
    readonly jobs: readonly Job[],
    /** The server process of the lost connection. */
    readonly backend: number | undefined,
    readonly failure: StoreUnavailableError,
  ) {
    super('the commit of an append batch is in doubt');
  }
}

/**
 * The group commit of the PostgreSQL event store: the appends that arrive while a batch is in flight go
 * together in the next one, a single call of the schema's `append_batch` function (one round trip, one
 * commit), each append with its own expected-version check and its own result. With inline projections,
 * a batch is one transaction with each append in a savepoint, its read models applied beside it. A batch
 * whose connection is lost while it commits is settled by what the database then holds.
 */
export class AppendBatcher {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #q: string;
  readonly #inline: readonly Projection[];
  readonly #projections: PostgresProjectionStore;
  readonly #upcasters: Upcasters | undefined;
  /** Told of the events of each batch after its commit, upcast, in position order. */
  readonly #onWritten: (events: RecordedEvent[]) => void;
  #queue: Job[] = [];
  #inFlight = false;

  constructor(
    pool: pg.Pool,
    schema: string,
    options: {
      readonly inline: readonly Projection[];
      readonly projections: PostgresProjectionStore;
      readonly upcasters: Upcasters | undefined;
      readonly onWritten: (events: RecordedEvent[]) => void;
    },
  ) {
    this.#pool = pool;
    this.#schema = schema;
    this.#q = quoteIdentifier(schema);
    this.#inline = options.inline;
    this.#projections = options.projections;
    this.#upcasters = options.upcasters;
    this.#onWritten = options.onWritten;
  }

  /** Queues an append (with its idempotency key record, if any) for the next batch. */
  append(appends: readonly StreamAppend[], key?: NewIdempotencyRecord): Promise<MultiAppendResult> {
    return new Promise((resolve, reject) => {
      validateAppends(appends);
      this.#queue.push({ appends: encode(appends), key: key && encodeKey(key), resolve, reject });
      void this.#flush();
    });
  }

  /** Resolves once no batch is in flight and none is queued. */
  async drained(): Promise<void> {
    while (this.#inFlight || this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  /** Sends the queued appends as one batch; one batch in flight at a time, the next one forms meanwhile. */
  async #flush(): Promise<void> {
    if (this.#inFlight || this.#queue.length === 0) return;
    this.#inFlight = true;
    const jobs = this.#queue;
    this.#queue = [];
    try {
      const written = this.#inline.length > 0 ? await this.#writeWithInline(jobs) : await this.#write(jobs);
      this.#onWritten(written.map((e) => upcast(e, this.#upcasters)));
    } catch (error) {
      // (A job already settled stays as it is: a promise settles once.)
      if (error instanceof UncertainCommit) await this.#settleUncertain(error);
      else for (const job of jobs) job.reject(error);
    } finally {
      this.#inFlight = false;
      void this.#flush();
    }
  }

  /** The whole batch in one round trip and one commit; settles each job, answers what was written. */
  async #write(jobs: readonly Job[]): Promise<RecordedEvent[]> {
    /** Set once connected: then the batch is on its way. */
    const sent: { backend?: number | undefined } = {};
    let outcome: BatchAnswer;
    try {
      outcome = await withClient(this.#pool, (client) => {
        sent.backend = backendPid(client);
        return this.#appendBatch(client, jobs);
      });
    } catch (error) {
      // One statement, committed as it ends: lost once sent, it may have committed or not.
      if ('backend' in sent && isStoreUnavailableError(error)) {
        throw new UncertainCommit(jobs, sent.backend, error);
      }
      throw error;
    }
    const written: RecordedEvent[] = [];
    jobs.forEach((job, i) => {
      const events = settle(job, outcome.results[i], outcome.recordedAt);
      if (events) written.push(...events);
    });
    // Appends written together by the set-based path take their positions before those written one by one:
    // listeners get the batch in position order, as readers of the log do.
    return written.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  /**
   * With inline projections: one transaction, each job in a savepoint with its inline projections
   * applied on the same connection, so an append and its read models commit together or not at all.
   */
  async #writeWithInline(jobs: readonly Job[]): Promise<RecordedEvent[]> {
    const accepted: { readonly job: Job; readonly result: MultiAppendResult }[] = [];
    const written: RecordedEvent[] = [];
    let backend: number | undefined;
    try {
      await transaction(this.#pool, async (client) => {
        backend = backendPid(client);
        for (const job of jobs) {
          await client.query('SAVEPOINT janus_job');
          try {
            const outcome = await this.#appendBatch(client, [job]);
            const result = outcome.results[0];
            if (!result?.ok) throw result ? toError(result) : new Error('append_batch answered nothing');
            const events = result.result.replay
              ? []
              : recordedEvents(job.appends, result.result.streams, outcome.recordedAt).map((e) =>
                  upcast(e, this.#upcasters),
                );
            await this.#projections.applyInline(client, this.#inline, events);
            await client.query('RELEASE SAVEPOINT janus_job');
            written.push(...events);
            accepted.push({ job, result: toMultiAppendResult(result.result) });
          } catch (error) {
            // Throws in turn when the connection is gone: then nothing of the batch commits.
            await client.query('ROLLBACK TO SAVEPOINT janus_job');
            // Refused whatever becomes of the others: nothing of it is in the transaction.
            job.reject(error);
          }
        }
      });
    } catch (error) {
      if (isStoreUnavailableError(error) && error.outcomeUnknown) {
        throw new UncertainCommit(
          accepted.map((a) => a.job),
          backend,
          error,
        );
      }
      throw error;
    }
    // Only after COMMIT: nobody hears of success before it is durable.
    for (const { job, result } of accepted) job.resolve(result);
    return written;
  }

  /**
   * The connection was lost while a batch was committing. Finds out on another connection whether it
   * did (the events' ids are known) and settles each job by what is stored: its result if it committed,
   * StoreUnavailableError if it did not; the outcome is unknown only if the database cannot be asked.
   */
  async #settleUncertain({ jobs, backend, failure }: UncertainCommit): Promise<void> {
    let stored: Stored;
    try {
      stored = await this.#stored(jobs, backend);
    } catch (error) {
      const unknown = new StoreUnavailableError(
        'the connection to PostgreSQL was lost while an append was committing, and the database could ' +
          `not be reached to find out whether it committed: the outcome is unknown (${String(error)})`,
        { cause: failure, outcomeUnknown: true },
      );
      for (const job of jobs) job.reject(unknown);
      return;
    }
    const notCommitted = new StoreUnavailableError(
      'the connection to PostgreSQL was lost before the append committed: nothing was written',
      { cause: failure },
    );
    // The events of a batch that did commit are not published on the event bus here: the ones it wrote
    // cannot be told from replayed ones. Followers find them on the log all the same (they poll).
    for (const job of jobs) {
      const result = committedResult(job.appends, stored);
      if (result) job.resolve(result);
      else job.reject(notCommitted);
    }
  }

  /**
   * Where the jobs' events are stored (those that are), and the streams of their appends that add no
   * event. The connection of the lost batch may still be open on the server, its statement still
   * running: it is ended first (and waited for), so that it cannot commit after the answer.
   */
  async #stored(jobs: readonly Job[], backend: number | undefined): Promise<Stored> {
    const ids = jobs.flatMap((job) => job.appends.flatMap((a) => a.events.map((e) => e.id)));
    const bare = jobs.flatMap((job) =>
      job.appends.filter((a) => a.events.length === 0).map((a) => a.streamId),
    );
    let attempt = 0;
    for (;;) {
      try {
        return await withClient(this.#pool, async (client) => {
          if (backend !== undefined) await this.#endBackend(client, backend);
          const events = await client.query<{
            event_id: string;
            stream_id: string;
            version: number;
            position: bigint;
          }>(
            `SELECT event_id, stream_id, version, position FROM ${this.#q}.events WHERE event_id = ANY ($1)`,
            [ids],
          );
          const streams =
            bare.length === 0
              ? []
              : (
                  await client.query<{ stream_id: string; version: number; position: bigint }>(
                    `SELECT stream_id, version, position FROM ${this.#q}.streams WHERE stream_id = ANY ($1)`,
                    [bare],
                  )
                ).rows;
          return {
            events: new Map(events.rows.map((r) => [r.event_id, r])),
            streams: new Map(streams.map((r) => [r.stream_id, r])),
          };
        });
      } catch (error) {
        // The server may be coming back: a few tries, a moment apart, before saying it is not known.
        if (++attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
      }
    }
  }

  /**
   * Ends the server process of a lost connection if it is still running a statement (this store's
   * append_batch, or COMMIT), and waits until it is gone: then whatever it committed is visible, and it
   * will commit nothing more. Checked by pid, database, user and statement: a connection that has been
   * given the same pid since is left alone, short of running this very statement itself.
   */
  async #endBackend(client: pg.PoolClient, pid: number): Promise<void> {
    const { rows } = await client.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity
        WHERE pid = $1 AND datname = current_database() AND usename = current_user AND state = 'active'
          AND (query = 'COMMIT' OR query LIKE $2)`,
      [pid, `%${this.#q}.append_batch(%`],
    );
    if (rows.some((r) => !r.ended))
      throw new Error(`the server process ${pid} of the lost connection did not end`);
  }

  async #appendBatch(client: pg.ClientBase, batch: readonly BatchAppend[]): Promise<BatchAnswer> {
    // A named statement: parsed once per connection, not once per batch.
    const { rows } = await client.query<{ outcome: BatchAnswer }>({
      name: `janus_append_batch_${this.#schema}`,
      text: `SELECT ${this.#q}.append_batch($1::int[], $2::text[], $3::text[], $4::int[], $5::int[],
         $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::text[],
         $14::text[], $15::text[], $16::timestamptz[], $17::text[]) AS outcome`,
      values: batchArrays(batch),
    });
    const outcome = rows[0]?.outcome;
    if (!outcome) throw new Error('append_batch answered nothing');
    return outcome;
  }
}

/** Resolves or rejects one job by its outcome; answers the events it wrote. */
function settle(job: Job, result: BatchOutcome | undefined, recordedAt: string): RecordedEvent[] | undefined {
  if (!result) {
    job.reject(new Error('append_batch answered too few results'));
    return undefined;
  }
  if (!result.ok) {
    job.reject(toError(result));
    return undefined;
  }
  job.resolve(toMultiAppendResult(result.result));
  return result.result.replay ? [] : recordedEvents(job.appends, result.result.streams, recordedAt);
}

/**
 * A batch as append_batch takes it: one entry per stream of each append (the append's number, from 1;
 * the stream; the expected version; the index of its first event, from 1; its event count), then one per
 * event (id, type, data, metadata).
 */
function batchArrays(batch: readonly BatchAppend[]): unknown[][] {
  const job: number[] = [];
  const stream: string[] = [];
  const expected: string[] = [];
  const from: number[] = [];
  const count: number[] = [];
  const id: string[] = [];
  const type: string[] = [];
  const data: (string | null)[] = [];
  const metadata: string[] = [];
  const keys: unknown[][] = [[], [], [], [], [], [], [], []];
  batch.forEach(({ appends, key }, i) => {
    if (key) {
      const { scope, key: name, fingerprint, messageId, issuedAt, readVersions } = key.record;
      const read = encodeReadVersions(readVersions);
      [i + 1, scope, name, fingerprint, messageId, issuedAt, key.expires, read].forEach((value, column) => {
        keys[column]?.push(value);
      });
    }
    for (const append of appends) {
      job.push(i + 1);
      stream.push(append.streamId);
      expected.push(append.expected);
      from.push(id.length + 1);
      count.push(append.events.length);
      for (const event of append.events) {
        id.push(event.id);
        type.push(event.type);
        data.push(event.data);
        metadata.push(event.metadata);
      }
    }
  });
  return [job, stream, expected, from, count, id, type, data, metadata, ...keys];
}

/** Events with their data and metadata as JSON text (bigints tagged), ids given to every event. */
function encode(appends: readonly StreamAppend[]): EncodedAppend[] {
  return appends.map(({ streamId, events, expectedVersion }) => ({
    streamId,
    expected: String(expectedVersion ?? 'any'),
    events: events.map((event) => ({ id: event.id ?? uuidv7(), type: event.type, ...encodePayload(event) })),
  }));
}

/**
 * A job's result from what is stored, as a replay of its event ids would answer it: each stream at the
 * version and position of its last event (or, without events, as the stream is now); undefined unless
 * every one of its events is stored (and it has any).
 */
function committedResult(appends: readonly EncodedAppend[], stored: Stored): MultiAppendResult | undefined {
  if (appends.every((a) => a.events.length === 0)) return undefined;
  const streams: AppendResult[] = [];
  for (const append of appends) {
    if (append.events.length === 0) {
      const now = stored.streams.get(append.streamId);
      streams.push({ streamId: append.streamId, version: now?.version ?? 0, position: now?.position ?? 0n });
      continue;
    }
    const events = append.events.map((e) => stored.events.get(e.id));
    const last = events.at(-1);
    if (!last || events.some((e) => e?.stream_id !== append.streamId)) return undefined;
    streams.push({ streamId: append.streamId, version: last.version, position: last.position });
  }
  const position = streams.reduce((max, s) => (s.position > max ? s.position : max), 0n);
  return { streams, position };
}

function toMultiAppendResult(result: { streams: StreamOutcome[]; position: string }): MultiAppendResult {
  return {
    streams: result.streams.map((s) => ({
      streamId: s.streamId,
      version: s.version,
      position: BigInt(s.position),
    })),
    position: BigInt(result.position),
  };
}

/** The events just written, rebuilt from what was sent and the positions the database gave them. */
function recordedEvents(
  appends: readonly EncodedAppend[],
  streams: readonly StreamOutcome[],
  recordedAt: string,
): RecordedEvent[] {
  return appends.flatMap((append, i) => {
    const outcome = streams[i];
    if (!outcome?.firstPosition) return [];
    const first = BigInt(outcome.firstPosition);
    const fromVersion = outcome.version - append.events.length;
    return append.events.map((e, j) =>
      writtenEvent(
        {
          id: e.id,
          type: e.type,
          streamId: append.streamId,
          version: fromVersion + j + 1,
          position: first + BigInt(j),
          recordedAt,
        },
        e,
      ),
    );
  });
}

/** A key record's fields checked, and its expiry normalized to ISO 8601 UTC. */
export function encodeKey(record: NewIdempotencyRecord): EncodedKey {
  const expires = validateIdempotencyRecord(record);
  return { record: idempotencyRecordFields(record), expires: new Date(expires).toISOString() };
}

function toError(result: Extract<BatchOutcome, { ok: false }>): Error {
  if (result.code === 'idempotency' && result.detail) {
    const detail = JSON.parse(result.detail) as { scope: string; key: string };
    return new IdempotencyKeyConflictError(detail.scope, detail.key);
  }
  if (result.code === 'concurrency' && result.detail) {
    const detail = JSON.parse(result.detail) as { streamId: string; expected: string; actual: number };
    return new ConcurrencyError(detail.streamId, detail.expected, detail.actual);
  }
  return new ValidationError(result.message);
}
