import {
  ConcurrencyError,
  IdempotencyKeyConflictError,
  StoreClosedError,
  StoreUnavailableError,
  ValidationError,
  isStoreUnavailableError,
  upcast,
  uuidv7,
  type AppendManyOptions,
  type AppendOptions,
  type AppendResult,
  type Closeable,
  type EventBus,
  type EventStore,
  type GlobalLog,
  type IdempotencyKeyStore,
  type IdempotencyRecord,
  type KeySecretStore,
  type ListStreamsOptions,
  type MultiAppendResult,
  type NewEvent,
  type NewIdempotencyRecord,
  type Projection,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Snapshot,
  type SnapshotStore,
  type StreamAppend,
  type StreamIndex,
  type StreamInfo,
  type Upcasters,
} from '@janus/core';
import {
  AppendNotifier,
  fromJson,
  idempotencyRecordFields,
  toJson,
  validateAppends,
  validateIdempotencyRecord,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateKeySecret,
} from '@janus/core/store-kit';
import type pg from 'pg';
import { orUnavailable } from './connectionFailure.js';
import { migrate, notificationChannel } from './migrate.js';
import { NotificationChannel } from './notificationChannel.js';
import { createPool, quoteIdentifier } from './pool.js';
import { PostgresProjectionStore } from './postgresProjectionStore.js';
import { backendPid, transaction, withClient } from './withClient.js';

export interface PostgresEventStoreOptions {
  /** Schema holding the tables (created if missing). Default 'janus'. */
  readonly schema?: string;
  readonly upcasters?: Upcasters;
  readonly eventBus?: EventBus;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /**
   * Projections applied in each append's own transaction (never behind; an append whose inline
   * projection fails is refused). Their read models live in `store.projections`, in this schema.
   */
  readonly inlineProjections?: readonly Projection[];
}

/** An append as the append_batch function takes it: ids given, data and metadata as JSON text. */
interface EncodedAppend {
  readonly streamId: string;
  readonly expected: string;
  readonly events: readonly { id: string; type: string; data?: string; metadata: string }[];
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

/** An idempotency key record as read. */
interface KeyRow {
  readonly scope: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly message_id: string;
  readonly issued_at: string;
  readonly expires_at: string;
  readonly first_position: string | null;
  /** JSON: the versions its command read, by stream. */
  readonly read_versions: string | null;
  readonly answer: string | null;
}

const KEY_COLUMNS = `scope, key, fingerprint, message_id, issued_at,
  to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at,
  first_position::text AS first_position, read_versions, answer`;

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

/** A row of EVENT_COLUMNS, read as an array (no object with named fields per row: reads are faster). */
type EventRow = [
  position: bigint,
  eventId: string,
  streamId: string,
  version: number,
  type: string,
  data: string | null,
  metadata: string,
  recordedAt: string,
];

const EVENT_COLUMNS = `position, event_id, stream_id, version, type, data::text AS data, metadata::text AS metadata,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

/**
 * The PostgreSQL event store. Appends are group-committed: the appends that arrive while a batch is in
 * flight go together in the next one, a single call of the `append_batch` function (one round trip, one
 * commit), each append in its own subtransaction with its own expected-version check.
 *
 * Global order: positions are handed out under a transaction-level advisory lock held until COMMIT, so
 * they become visible in position order and a reader of `position > checkpoint` never skips an event
 * (see docs/adr/0001-postgres-global-order.md for why, and what it costs).
 */
export class PostgresEventStore
  implements EventStore, GlobalLog, SnapshotStore, StreamIndex, IdempotencyKeyStore, KeySecretStore, Closeable
{
  readonly schema: string;
  readonly pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #url: string | undefined;
  readonly #q: string;
  readonly #notifier: AppendNotifier;
  readonly #upcasters: Upcasters | undefined;
  /** Appends of other processes, by LISTEN/NOTIFY. */
  readonly #appended: NotificationChannel;
  readonly #inline: readonly Projection[];
  /** Read models and checkpoints on this store's pool and schema (where inline projections live). */
  readonly projections: PostgresProjectionStore;
  #queue: Job[] = [];
  #inFlight = false;
  #closed = false;

  /** Connects, then creates or migrates the schema (safe when several processes start at once). */
  static async open(
    connection: string | pg.Pool,
    options: PostgresEventStoreOptions = {},
  ): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(connection, options);
    try {
      await migrate(store.pool, store.schema);
      await store.projections.migrate();
      for (const projection of options.inlineProjections ?? []) {
        if (projection.lifecycle !== 'inline')
          throw new ValidationError(`projection '${projection.name}' is not inline`);
        await store.projections.ensure(projection);
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private constructor(connection: string | pg.Pool, options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'janus';
    this.#q = quoteIdentifier(this.schema);
    this.#ownsPool = typeof connection === 'string';
    this.#url = typeof connection === 'string' ? connection : undefined;
    // Never woken without a notification: a listener is told of appends only after they committed.
    this.#appended = new NotificationChannel(this.#url, notificationChannel(this.schema), {
      wakeWhenListening: false,
    });
    this.pool =
      typeof connection === 'string'
        ? createPool(connection, options.poolSize === undefined ? {} : { max: options.poolSize })
        : connection;
    this.#notifier = new AppendNotifier(options.eventBus);
    this.#upcasters = options.upcasters;
    this.#inline = options.inlineProjections ?? [];
    this.projections = PostgresProjectionStore.on(this.pool, this.schema, this.#url);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const result = await this.appendMany([{ streamId, events, ...options }]);
    return result.streams[0] as AppendResult;
  }

  appendMany(appends: readonly StreamAppend[], options: AppendManyOptions = {}): Promise<MultiAppendResult> {
    return new Promise((resolve, reject) => {
      this.#assertOpen();
      validateAppends(appends);
      const key = options.idempotencyKey && encodeKey(options.idempotencyKey);
      this.#queue.push({ appends: encode(appends), key, resolve, reject });
      void this.#flush();
    });
  }

  async readIdempotencyKey(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    this.#assertOpen();
    const { rows } = await orUnavailable(
      this.pool.query<KeyRow>({
        name: `janus_read_idempotency_key_${this.schema}`,
        text: `SELECT ${KEY_COLUMNS} FROM ${this.#q}.idempotency_keys
                WHERE scope = $1 AND key = $2 AND expires_at > now()`,
        values: [scope, key],
      }),
    );
    return rows[0] && toIdempotencyRecord(rows[0]);
  }

  async saveIdempotencyAnswer(
    record: NewIdempotencyRecord & { readonly answer: unknown },
  ): Promise<IdempotencyRecord> {
    this.#assertOpen();
    const { record: fields, expires } = encodeKey(record);
    const answer = toJson(record.answer ?? null);
    // The usual case, the record its command's append wrote: set its answer, no lock needed.
    const updated = await orUnavailable(
      this.pool.query<KeyRow>(
        `UPDATE ${this.#q}.idempotency_keys SET answer = $3
          WHERE scope = $1 AND key = $2 AND message_id = $4 AND answer IS NULL AND expires_at > now()
          RETURNING ${KEY_COLUMNS}`,
        [fields.scope, fields.key, answer, fields.messageId],
      ),
    );
    if (updated.rows[0]) return toIdempotencyRecord(updated.rows[0]);
    // Otherwise a new record, maybe: under the append lock, as every insert of a key record.
    const stored = await transaction(this.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`janus.append:${this.schema}`]);
      const { rows } = await client.query<KeyRow>(
        `SELECT ${KEY_COLUMNS} FROM ${this.#q}.idempotency_keys
          WHERE scope = $1 AND key = $2 AND expires_at > now()`,
        [fields.scope, fields.key],
      );
      let stored = rows[0];
      if (stored && stored.message_id === fields.messageId && stored.answer === null) {
        ({
          rows: [stored],
        } = await client.query<KeyRow>(
          `UPDATE ${this.#q}.idempotency_keys SET answer = $3 WHERE scope = $1 AND key = $2
           RETURNING ${KEY_COLUMNS}`,
          [fields.scope, fields.key, answer],
        ));
      } else if (!stored) {
        ({
          rows: [stored],
        } = await client.query<KeyRow>(
          `INSERT INTO ${this.#q}.idempotency_keys
             (scope, key, fingerprint, message_id, issued_at, expires_at, answer, read_versions)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
             message_id = excluded.message_id, issued_at = excluded.issued_at,
             expires_at = excluded.expires_at, first_position = NULL, answer = excluded.answer,
             read_versions = excluded.read_versions
           RETURNING ${KEY_COLUMNS}`,
          [
            fields.scope,
            fields.key,
            fields.fingerprint,
            fields.messageId,
            fields.issuedAt,
            expires,
            answer,
            fields.readVersions === undefined ? null : toJson(fields.readVersions),
          ],
        ));
      }
      return stored;
    });
    if (!stored) throw new Error('an idempotency answer was saved but not found');
    return toIdempotencyRecord(stored);
  }

  async keepKeySecret(candidate: string): Promise<string> {
    this.#assertOpen();
    validateKeySecret(candidate);
    // Two statements: the SELECT's snapshot must see a secret another process committed while the INSERT
    // waited on it (one statement's snapshot is taken before that wait).
    await orUnavailable(
      this.pool.query(
        `INSERT INTO ${this.#q}.key_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
        [candidate],
      ),
    );
    const { rows } = await orUnavailable(
      this.pool.query<{ secret: string }>(`SELECT secret FROM ${this.#q}.key_secret WHERE id = 1`),
    );
    const kept = rows[0]?.secret;
    if (kept === undefined) throw new Error('a key secret was kept but not found');
    return kept;
  }

  async deleteExpiredIdempotencyKeys(): Promise<number> {
    this.#assertOpen();
    const { rowCount } = await orUnavailable(
      this.pool.query(`DELETE FROM ${this.#q}.idempotency_keys WHERE expires_at <= now()`),
    );
    return rowCount ?? 0;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const { from, limit, direction = 'forward' } = validateReadStreamOptions(options);
    const sql =
      direction === 'forward'
        ? `SELECT ${EVENT_COLUMNS} FROM ${this.#q}.events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3`
        : `SELECT ${EVENT_COLUMNS} FROM ${this.#q}.events WHERE stream_id = $1 AND version <= $2 ORDER BY version DESC LIMIT $3`;
    const start = direction === 'forward' ? (from ?? 1) : Math.min(from ?? 2 ** 31 - 1, 2 ** 31 - 1);
    // Named: parsed and planned once per connection (for a short stream, planning costs more than reading).
    const { rows } = await orUnavailable(
      this.pool.query<EventRow>({
        name: `janus_read_stream_${direction}_${this.schema}`,
        text: sql,
        values: [streamId, start, limit ?? null],
        rowMode: 'array',
      }),
    );
    return rows.map((row) => this.#toRecorded(row));
  }

  async streamVersion(streamId: string): Promise<number> {
    this.#assertOpen();
    const { rows } = await orUnavailable(
      this.pool.query<{ version: number }>({
        name: `janus_stream_version_${this.schema}`,
        text: `SELECT version FROM ${this.#q}.streams WHERE stream_id = $1`,
        values: [streamId],
      }),
    );
    return rows[0]?.version ?? 0;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.#assertOpen();
    const { after = 0n, limit } = validateReadAllOptions(options);
    const { rows } = await orUnavailable(
      this.pool.query<EventRow>({
        text: `SELECT ${EVENT_COLUMNS} FROM ${this.#q}.events WHERE position > $1 ORDER BY position LIMIT $2`,
        values: [after.toString(), limit ?? null],
        rowMode: 'array',
      }),
    );
    return rows.map((row) => this.#toRecorded(row));
  }

  async head(): Promise<bigint> {
    this.#assertOpen();
    const { rows } = await orUnavailable(
      this.pool.query<{ head: bigint | null }>(`SELECT max(position) AS head FROM ${this.#q}.events`),
    );
    return rows[0]?.head ?? 0n;
  }

  /** Wakes on appends of this process at once, and of other processes through LISTEN/NOTIFY. */
  onAppended(listener: () => void): () => void {
    const offHere = this.#notifier.onAppended(listener);
    const offElsewhere = this.#appended.on(listener);
    return () => {
      offHere();
      offElsewhere();
    };
  }

  async listStreams(options: ListStreamsOptions = {}): Promise<StreamInfo[]> {
    this.#assertOpen();
    const { prefix = '', after = '', limit = 100 } = options;
    const { rows } = await orUnavailable(
      this.pool.query<{ stream_id: string; version: number; position: bigint }>(
        `SELECT stream_id, version, position FROM ${this.#q}.streams
        WHERE stream_id > $1 AND starts_with(stream_id, $2) ORDER BY stream_id LIMIT $3`,
        [after, prefix, limit],
      ),
    );
    return rows.map((r) => ({ streamId: r.stream_id, version: r.version, position: r.position }));
  }

  async readSnapshot<S>(streamId: string, name: string): Promise<Snapshot<S> | undefined> {
    this.#assertOpen();
    const { rows } = await orUnavailable(
      this.pool.query<{ version: number; state: string | null }>(
        `SELECT version, state::text AS state FROM ${this.#q}.snapshots WHERE stream_id = $1 AND name = $2`,
        [streamId, name],
      ),
    );
    const row = rows[0];
    return (
      row && { version: row.version, state: (row.state === null ? undefined : fromJson(row.state)) as S }
    );
  }

  async writeSnapshot<S>(streamId: string, name: string, snapshot: Snapshot<S>): Promise<void> {
    this.#assertOpen();
    if (!Number.isSafeInteger(snapshot.version) || snapshot.version < 0) {
      throw new ValidationError(`a snapshot version must be a non-negative integer, got ${snapshot.version}`);
    }
    await orUnavailable(
      this.pool.query(
        `INSERT INTO ${this.#q}.snapshots (stream_id, name, version, state) VALUES ($1, $2, $3, $4::json)
       ON CONFLICT (stream_id, name) DO UPDATE SET version = excluded.version, state = excluded.state`,
        [streamId, name, snapshot.version, snapshot.state === undefined ? null : toJson(snapshot.state)],
      ),
    );
  }

  /** Finishes the appends in flight, then closes the connections this store opened. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#inFlight || this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await this.#appended.close();
    await this.projections.close();
    if (this.#ownsPool) await this.pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError(`the PostgreSQL event store (schema '${this.schema}')`);
  }

  /** Sends the queued appends as one batch; one batch in flight at a time, the next one forms meanwhile. */
  async #flush(): Promise<void> {
    if (this.#inFlight || this.#queue.length === 0) return;
    this.#inFlight = true;
    const jobs = this.#queue;
    this.#queue = [];
    try {
      const written = this.#inline.length > 0 ? await this.#writeWithInline(jobs) : await this.#write(jobs);
      this.#notifier.notify(written.map((e) => upcast(e, this.#upcasters)));
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
      outcome = await withClient(this.pool, (client) => {
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
      await transaction(this.pool, async (client) => {
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
            await this.projections.applyInline(client, this.#inline, events);
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
        return await withClient(this.pool, async (client) => {
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
      name: `janus_append_batch_${this.schema}`,
      text: `SELECT ${this.#q}.append_batch($1::int[], $2::text[], $3::text[], $4::int[], $5::int[],
         $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::text[],
         $14::text[], $15::text[], $16::timestamptz[], $17::text[]) AS outcome`,
      values: batchArrays(batch),
    });
    const outcome = rows[0]?.outcome;
    if (!outcome) throw new Error('append_batch answered nothing');
    return outcome;
  }

  #toRecorded([position, id, streamId, version, type, data, metadata, recordedAt]: EventRow): RecordedEvent {
    const event: RecordedEvent = {
      id,
      type,
      data: data === null ? undefined : fromJson(data),
      metadata: metadata === '{}' ? {} : (fromJson(metadata) as Record<string, unknown>),
      streamId,
      version,
      position,
      recordedAt,
    };
    return upcast(event, this.#upcasters);
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
      const read = readVersions === undefined ? null : toJson(readVersions);
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
        data.push(event.data ?? null);
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
    events: events.map(({ id, type, data, metadata }) => ({
      id: id ?? uuidv7(),
      type,
      ...(data === undefined ? {} : { data: toJson(data) }),
      metadata: toJson(metadata ?? {}),
    })),
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
    return append.events.map((e, j) => ({
      id: e.id,
      type: e.type,
      data: e.data === undefined ? undefined : fromJson(e.data),
      metadata: fromJson(e.metadata) as Record<string, unknown>,
      streamId: append.streamId,
      version: fromVersion + j + 1,
      position: first + BigInt(j),
      recordedAt,
    }));
  });
}

/** A key record's fields checked, and its expiry normalized to ISO 8601 UTC. */
function encodeKey(record: NewIdempotencyRecord): EncodedKey {
  const expires = validateIdempotencyRecord(record);
  return { record: idempotencyRecordFields(record), expires: new Date(expires).toISOString() };
}

function toIdempotencyRecord(row: KeyRow): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    fingerprint: row.fingerprint,
    messageId: row.message_id,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    ...(row.first_position === null ? {} : { firstPosition: BigInt(row.first_position) }),
    ...(row.read_versions === null
      ? {}
      : { readVersions: fromJson(row.read_versions) as Record<string, number> }),
    ...(row.answer === null ? {} : { answer: fromJson(row.answer) }),
  };
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
