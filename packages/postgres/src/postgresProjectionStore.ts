import {
  StaleCheckpointError,
  ValidationError,
  type DocumentProjection,
  type DocumentReader,
  type ProgressFeed,
  type Projection,
  type ProjectionFailure,
  type ProjectionRecord,
  type ProjectionStore,
  type ReadModels,
  type RebuildRecord,
  type RecordedEvent,
  type SkipRecord,
  type SqlProjection,
} from '@janus/core';
import {
  applyToDocuments,
  checkpointOf,
  decodeDocument,
  decodeProjectionRecord,
  decodeSkipRecord,
  documentIds,
  documentIndexEntries,
  encodeDocument,
  encodeRecordPart,
  indexValue,
  newRebuild,
  skipped,
  switchedToRebuild,
  withCheckpoint,
  type StoredProjectionRow,
  type StoredSkipRow,
} from '@janus/core/store-kit';
import type pg from 'pg';
import { orUnavailable } from './connectionFailure.js';
import { migrate } from './migrate.js';
import { NotificationChannel } from './notificationChannel.js';
import { PgTx } from './pgTx.js';
import { createPool, quoteIdentifier } from './pool.js';
import { projectionStatements, type ProjectionStatements } from './postgresProjectionStatements.js';
import { readSchema } from './readMigrations.js';
import { transaction } from './withClient.js';

export interface PostgresProjectionStoreOptions {
  /** Schema for checkpoints and read models (created if missing). Default 'janus'. */
  readonly schema?: string;
  readonly poolSize?: number;
}

/**
 * Read models and their checkpoints in PostgreSQL: the database of the events or another one. Every
 * method is one transaction; a batch's read-model changes and its checkpoint commit together, and the
 * checkpoint row is locked and compared first, so two runners can never both apply a batch.
 */
export class PostgresProjectionStore implements ProjectionStore, ReadModels, ProgressFeed {
  readonly schema: string;
  readonly pool: pg.Pool;
  readonly #sql: ProjectionStatements;
  readonly #ownsPool: boolean;
  readonly #known = new Map<string, Projection>();
  readonly #progress: NotificationChannel;

  static async open(
    connection: string | pg.Pool,
    options: PostgresProjectionStoreOptions = {},
  ): Promise<PostgresProjectionStore> {
    const store = new PostgresProjectionStore(connection, options);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** A store on a pool someone else owns and migrates (the event store's own read side). */
  static on(pool: pg.Pool, schema: string, url?: string): PostgresProjectionStore {
    return new PostgresProjectionStore(pool, { schema }, url);
  }

  /** Creates or migrates the read-side tables (safe when several processes start at once). */
  async migrate(): Promise<void> {
    await migrate(this.pool, this.schema, readSchema);
  }

  private constructor(connection: string | pg.Pool, options: PostgresProjectionStoreOptions, url?: string) {
    this.schema = options.schema ?? 'janus';
    this.#sql = projectionStatements(quoteIdentifier(this.schema));
    this.#ownsPool = typeof connection === 'string';
    // A checkpoint that moved while LISTEN was being set up notified no one: waiters look again then.
    this.#progress = new NotificationChannel(
      typeof connection === 'string' ? connection : url,
      this.#channel,
      {
        wakeWhenListening: true,
      },
    );
    this.pool =
      typeof connection === 'string'
        ? createPool(connection, options.poolSize === undefined ? {} : { max: options.poolSize })
        : connection;
  }

  async ensure(projection: Projection): Promise<ProjectionRecord> {
    this.#known.set(projection.name, projection);
    return this.#transaction(async (client) => {
      const inserted = await client.query(this.#sql.insertRecord, [projection.name, projection.version]);
      if (inserted.rowCount === 1) await this.#setup(client, projection, 1);
      return this.#get(client, projection.name);
    });
  }

  async record(name: string): Promise<ProjectionRecord | undefined> {
    return orUnavailable(this.#read(this.pool, name));
  }

  async records(): Promise<ProjectionRecord[]> {
    const { rows } = await orUnavailable(this.pool.query<StoredProjectionRow>(this.#sql.readRecords));
    return rows.map(decodeProjectionRecord);
  }

  async applyBatch(
    projection: Projection,
    generation: number,
    events: readonly RecordedEvent[],
    from: bigint,
    to: bigint,
  ): Promise<void> {
    await this.#transaction(async (client) => {
      const record = await this.#get(client, projection.name, true);
      if (checkpointOf(record, generation) !== from) throw new StaleCheckpointError(projection.name, from);
      await this.applyInTransaction(client, projection, generation, events);
      await this.#writeRecord(client, withCheckpoint(record, generation, to));
    });
  }

  /**
   * Applies events to a generation with the caller's transaction (inline projections use this), which
   * holds the projection's row locked (FOR UPDATE): no one else writes its documents meanwhile.
   */
  async applyInTransaction(
    client: pg.ClientBase,
    projection: Projection,
    generation: number,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    if (events.length === 0) return;
    if (projection.kind === 'documents') await this.#applyDocuments(client, projection, generation, events);
    else await this.#applySql(client, projection, generation, events);
  }

  /** Inline projections: applies an append's events to each active generation and moves its checkpoint. */
  async applyInline(
    client: pg.ClientBase,
    projections: readonly Projection[],
    events: readonly RecordedEvent[],
  ) {
    const last = events.at(-1);
    if (!last) return;
    for (const projection of projections) {
      const record = await this.#get(client, projection.name, true);
      if (record.version !== projection.version) continue; // frozen until its rebuild switches in
      const relevant = events.filter((e) => projection.handles.includes(e.type));
      await this.applyInTransaction(client, projection, record.generation, relevant);
      await this.#writeRecord(client, { ...record, position: last.position });
    }
  }

  async setFailure(name: string, failure: ProjectionFailure | null): Promise<void> {
    const { rowCount } = await orUnavailable(
      this.pool.query(this.#sql.setFailure, [encodeRecordPart(failure), name]),
    );
    if (rowCount === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async requestRebuild(name: string): Promise<void> {
    const { rowCount } = await orUnavailable(this.pool.query(this.#sql.setRebuildRequested, [true, name]));
    if (rowCount === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async cancelRebuildRequest(name: string): Promise<void> {
    const { rowCount } = await orUnavailable(this.pool.query(this.#sql.setRebuildRequested, [false, name]));
    if (rowCount === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async beginRebuild(projection: Projection, total: bigint): Promise<RebuildRecord> {
    return this.#transaction(async (client) => {
      const record = await this.#get(client, projection.name, true);
      if (record.rebuild) return record.rebuild;
      const rebuild = newRebuild(record, projection, total);
      await this.#drop(client, projection, rebuild.generation); // leftovers of an abandoned attempt
      await this.#setup(client, projection, rebuild.generation);
      await client.query(this.#sql.beginRebuild, [encodeRecordPart(rebuild), projection.name]);
      return rebuild;
    });
  }

  async completeRebuild(projection: Projection, generation: number): Promise<void> {
    await this.#transaction(async (client) => {
      const record = await this.#get(client, projection.name, true);
      const switched = switchedToRebuild(record, generation);
      if (projection.lifecycle === 'inline') {
        // Inline appends lock this row too, so no append can slip in between this check and the switch.
        const { rows } = await client.query<{ head: bigint | null }>(this.#sql.head);
        if ((rows[0]?.head ?? 0n) !== switched.position) {
          throw new StaleCheckpointError(projection.name, switched.position);
        }
      }
      await this.#drop(client, projection, record.generation);
      await this.#writeRecord(client, switched);
    });
  }

  async skip(name: string, position: bigint, reason: string): Promise<SkipRecord> {
    return this.#transaction(async (client) => {
      const { skip, record } = skipped(await this.#get(client, name, true), position, reason);
      await client.query(this.#sql.putSkip, [
        name,
        skip.version,
        position,
        skip.eventId,
        reason,
        skip.skippedAt,
      ]);
      await this.#writeRecord(client, record);
      return skip;
    });
  }

  async skips(name: string): Promise<SkipRecord[]> {
    const { rows } = await orUnavailable(this.pool.query<StoredSkipRow>(this.#sql.readSkips, [name]));
    return rows.map(decodeSkipRecord);
  }

  documents<D>(projection: DocumentProjection<D> | string): DocumentReader<D> {
    const name = typeof projection === 'string' ? projection : projection.name;
    return {
      get: async (id) => {
        const { rows } = await orUnavailable(
          this.pool.query<{ doc: string }>(this.#sql.readActiveDocument, [name, id]),
        );
        const doc = rows[0]?.doc;
        return doc === undefined ? undefined : (decodeDocument(doc) as D);
      },
      find: async (field, value) => {
        const key = indexValue({ [field]: value }, field);
        if (key === undefined) return [];
        const { rows } = await orUnavailable(
          this.pool.query<{ doc: string }>(this.#sql.findActiveDocuments, [name, field, key]),
        );
        return rows.map((r) => decodeDocument(r.doc) as D);
      },
    };
  }

  /** Read access to an SQL projection's active tables. */
  sql(projection: SqlProjection<PgTx> | string): PgTx {
    const name = typeof projection === 'string' ? projection : projection.name;
    return new PgTx(this.pool, this.schema, name, async () => (await this.record(name))?.generation ?? 1);
  }

  /** Wakes on every checkpoint that moves, in any process (LISTEN/NOTIFY). */
  onProgress(listener: () => void): () => void {
    return this.#progress.on(listener);
  }

  async close(): Promise<void> {
    await this.#progress.close();
    if (this.#ownsPool) await this.pool.end();
  }

  get #channel(): string {
    return `janus_progress_${this.schema}`.toLowerCase();
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, work);
  }

  async #applyDocuments(
    client: pg.ClientBase,
    projection: DocumentProjection,
    generation: number,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    const ids = documentIds(projection, events);
    const current = new Map<string, unknown>();
    if (ids.length > 0) {
      const { rows } = await client.query<{ id: string; doc: string }>(this.#sql.readDocuments, [
        projection.name,
        generation,
        ids,
      ]);
      for (const row of rows) current.set(row.id, decodeDocument(row.doc));
    }
    const changed = applyToDocuments(projection, events, current);
    if (changed.size === 0) return;
    const kept = [...changed].filter((entry): entry is [string, object] => entry[1] !== null);
    const removed = [...changed].filter(([, doc]) => doc === null).map(([id]) => id);
    // Nobody else writes these documents meanwhile (the projection's row is locked), so the ones read
    // above are updated as such: cheaper than inserts that each find their conflict.
    const updated = kept.filter(([id]) => current.has(id));
    const created = kept.filter(([id]) => !current.has(id));
    if (updated.length > 0) {
      await client.query(this.#sql.updateDocuments, [
        projection.name,
        generation,
        updated.map(([id]) => id),
        updated.map(([, doc]) => encodeDocument(doc)),
      ]);
    }
    if (created.length > 0) {
      await client.query(this.#sql.insertDocuments, [
        projection.name,
        generation,
        created.map(([id]) => id),
        created.map(([, doc]) => encodeDocument(doc)),
      ]);
    }
    if (removed.length > 0) {
      await client.query(this.#sql.deleteDocuments, [projection.name, generation, removed]);
    }
    if (projection.indexes.length > 0) {
      await client.query(this.#sql.unindexDocuments, [projection.name, generation, [...changed.keys()]]);
      const entries = kept.flatMap(([id, doc]) =>
        documentIndexEntries(projection.indexes, doc).map(([field, value]) => [field, value, id] as const),
      );
      if (entries.length > 0) {
        await client.query(this.#sql.indexDocuments, [
          projection.name,
          generation,
          entries.map((e) => e[0]),
          entries.map((e) => e[1]),
          entries.map((e) => e[2]),
        ]);
      }
    }
  }

  async #applySql(
    client: pg.ClientBase,
    projection: SqlProjection,
    generation: number,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    const tx = new PgTx(client, this.schema, projection.name, () => generation);
    for (const event of events) await projection.apply(event, tx);
  }

  async #setup(client: pg.ClientBase, projection: Projection, generation: number): Promise<void> {
    if (projection.kind === 'sql')
      await projection.setup(new PgTx(client, this.schema, projection.name, () => generation));
  }

  async #drop(client: pg.ClientBase, projection: Projection, generation: number): Promise<void> {
    const known = this.#known.get(projection.name) ?? projection;
    await client.query(this.#sql.dropDocuments, [known.name, generation]);
    await client.query(this.#sql.dropIndex, [known.name, generation]);
    if (known.kind === 'sql') {
      const tx = new PgTx(client, this.schema, known.name, () => generation);
      for (const table of known.tables) await client.query(`DROP TABLE IF EXISTS ${await tx.table(table)}`);
    }
  }

  /** Writes a record's generation, version, checkpoint, rebuild and failure, and tells the waiters. */
  async #writeRecord(client: pg.ClientBase, record: ProjectionRecord): Promise<void> {
    await client.query(this.#sql.writeRecord, [
      record.position,
      encodeRecordPart(record.rebuild),
      encodeRecordPart(record.failure),
      record.name,
      record.version,
      record.generation,
      this.#channel,
    ]);
  }

  async #read(
    client: pg.ClientBase | pg.Pool,
    name: string,
    lock = false,
  ): Promise<ProjectionRecord | undefined> {
    const { rows } = await client.query<StoredProjectionRow>(
      lock ? this.#sql.lockRecord : this.#sql.readRecord,
      [name],
    );
    const row = rows[0];
    return row && decodeProjectionRecord(row);
  }

  async #get(client: pg.ClientBase, name: string, lock = false): Promise<ProjectionRecord> {
    const record = await this.#read(client, name, lock);
    if (!record) throw new ValidationError(`unknown projection '${name}'`);
    return record;
  }
}
