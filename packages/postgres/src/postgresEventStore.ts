import {
  StoreClosedError,
  ValidationError,
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
  decodeEvent,
  decodeIdempotencyRecord,
  fromJson,
  toJson,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateKeySecret,
  type StoredEventRow,
  type StoredIdempotencyRow,
} from '@janus/core/store-kit';
import type pg from 'pg';
import { AppendBatcher, encodeKey } from './appendBatcher.js';
import { orUnavailable } from './connectionFailure.js';
import { migrate, notificationChannel } from './migrate.js';
import { NotificationChannel } from './notificationChannel.js';
import { createPool, quoteIdentifier } from './pool.js';
import { PostgresProjectionStore } from './postgresProjectionStore.js';
import { EVENT_COLUMNS, KEY_COLUMNS } from './postgresStatements.js';
import { transaction } from './withClient.js';

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

/** A row of EVENT_COLUMNS, read as an array (pg's array row mode wants a mutable tuple type). */
type EventRow = [...StoredEventRow];

/**
 * The PostgreSQL event store. Appends are group-committed: the appends that arrive while a batch is in
 * flight go together in the next one, a single call of the `append_batch` function (one round trip, one
 * commit), each append with its own expected-version check (see AppendBatcher).
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
  readonly #batcher: AppendBatcher;
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
    this.#batcher = new AppendBatcher(this.pool, this.schema, {
      inline: this.#inline,
      projections: this.projections,
      upcasters: this.#upcasters,
      onWritten: (events) => {
        this.#notifier.notify(events);
      },
    });
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
    return new Promise((resolve) => {
      this.#assertOpen();
      resolve(this.#batcher.append(appends, options.idempotencyKey));
    });
  }

  async readIdempotencyKey(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    this.#assertOpen();
    const { rows } = await orUnavailable(
      this.pool.query<StoredIdempotencyRow>({
        name: `janus_read_idempotency_key_${this.schema}`,
        text: `SELECT ${KEY_COLUMNS} FROM ${this.#q}.idempotency_keys
                WHERE scope = $1 AND key = $2 AND expires_at > now()`,
        values: [scope, key],
      }),
    );
    return rows[0] && decodeIdempotencyRecord(rows[0]);
  }

  async saveIdempotencyAnswer(
    record: NewIdempotencyRecord & { readonly answer: unknown },
  ): Promise<IdempotencyRecord> {
    this.#assertOpen();
    const { record: fields, expires } = encodeKey(record);
    const answer = toJson(record.answer ?? null);
    // The usual case, the record its command's append wrote: set its answer, no lock needed.
    const updated = await orUnavailable(
      this.pool.query<StoredIdempotencyRow>(
        `UPDATE ${this.#q}.idempotency_keys SET answer = $3
          WHERE scope = $1 AND key = $2 AND message_id = $4 AND answer IS NULL AND expires_at > now()
          RETURNING ${KEY_COLUMNS}`,
        [fields.scope, fields.key, answer, fields.messageId],
      ),
    );
    if (updated.rows[0]) return decodeIdempotencyRecord(updated.rows[0]);
    // Otherwise a new record, maybe: under the append lock, as every insert of a key record.
    const stored = await transaction(this.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`janus.append:${this.schema}`]);
      const { rows } = await client.query<StoredIdempotencyRow>(
        `SELECT ${KEY_COLUMNS} FROM ${this.#q}.idempotency_keys
          WHERE scope = $1 AND key = $2 AND expires_at > now()`,
        [fields.scope, fields.key],
      );
      let stored = rows[0];
      if (stored && stored.message_id === fields.messageId && stored.answer === null) {
        ({
          rows: [stored],
        } = await client.query<StoredIdempotencyRow>(
          `UPDATE ${this.#q}.idempotency_keys SET answer = $3 WHERE scope = $1 AND key = $2
           RETURNING ${KEY_COLUMNS}`,
          [fields.scope, fields.key, answer],
        ));
      } else if (!stored) {
        ({
          rows: [stored],
        } = await client.query<StoredIdempotencyRow>(
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
    return decodeIdempotencyRecord(stored);
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
    await this.#batcher.drained();
    await this.#appended.close();
    await this.projections.close();
    if (this.#ownsPool) await this.pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError(`the PostgreSQL event store (schema '${this.schema}')`);
  }

  #toRecorded(row: StoredEventRow): RecordedEvent {
    return decodeEvent(row, this.#upcasters);
  }
}
