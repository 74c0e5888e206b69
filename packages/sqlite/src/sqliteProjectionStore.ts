import type { Database } from 'better-sqlite3';
import {
  StaleCheckpointError,
  ValidationError,
  handlesEvent,
  type DocumentProjection,
  type DocumentReader,
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
} from '@janus/core/store-kit';
import {
  prepareProjectionStatements,
  type SqliteProjectionStatements,
} from './sqliteProjectionStatements.js';
import { SqliteTx } from './sqliteTx.js';

/** Up to `limit` events of the log after a position, in order. */
export type ReadAfter = (after: bigint, limit: number) => RecordedEvent[];

/** Events read per step when an inline projection catches up. */
const CATCH_UP_BATCH = 1000;

/**
 * Read models and their checkpoints in the event store's SQLite file, on its connection: every method is
 * one synchronous transaction, so a batch's read-model changes and its checkpoint commit together, and an
 * inline projection can run inside the append's own transaction.
 */
export class SqliteProjectionStore implements ProjectionStore, ReadModels {
  readonly #db: Database;
  readonly #known = new Map<string, Projection>();
  readonly #sql: SqliteProjectionStatements;

  constructor(db: Database) {
    this.#db = db;
    this.#sql = prepareProjectionStatements(db);
  }

  // Every method below is synchronous work behind the async interface that PostgreSQL needs too.
  /* eslint-disable @typescript-eslint/require-await */

  async ensure(projection: Projection): Promise<ProjectionRecord> {
    return this.ensureSync(projection);
  }

  /** Registers a projection unless known, setting up generation 1 (the store's own transaction). */
  ensureSync(projection: Projection): ProjectionRecord {
    this.#known.set(projection.name, projection);
    return this.#db
      .transaction(() => {
        const existing = this.#read(projection.name);
        if (existing) return existing;
        this.#sql.insertRecord.run(projection.name, projection.version);
        this.#setup(projection, 1);
        return this.#get(projection.name);
      })
      .immediate();
  }

  async record(name: string): Promise<ProjectionRecord | undefined> {
    return this.#read(name);
  }

  async records(): Promise<ProjectionRecord[]> {
    return this.#sql.readRecords.all().map(decodeProjectionRecord);
  }

  async applyBatch(
    projection: Projection,
    generation: number,
    events: readonly RecordedEvent[],
    from: bigint,
    to: bigint,
  ): Promise<void> {
    this.#db
      .transaction(() => {
        const record = this.#get(projection.name);
        if (checkpointOf(record, generation) !== from) throw new StaleCheckpointError(projection.name, from);
        this.applyInTransaction(projection, generation, events);
        this.#writeRecord(withCheckpoint(record, generation, to));
      })
      .immediate();
  }

  /** Applies events to a generation inside the caller's transaction (inline projections use this). */
  applyInTransaction(projection: Projection, generation: number, events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    if (projection.kind === 'documents') this.#applyDocuments(projection, generation, events);
    else this.#applySql(projection, generation, events);
  }

  /**
   * Inline projections: applies an append's events to each active generation and moves its checkpoint,
   * inside the append's transaction. Events committed since a projection's checkpoint that are not the
   * append's own (appended through a connection that does not declare it) are read with `readAfter`
   * and applied first: a checkpoint never passes an event its read model did not see.
   */
  applyInline(
    projections: readonly Projection[],
    events: readonly RecordedEvent[],
    readAfter: ReadAfter,
  ): void {
    const first = events[0];
    const last = events.at(-1);
    if (!first || !last) return;
    for (const projection of projections) {
      const record = this.#get(projection.name);
      // An outdated inline projection stays frozen until its rebuild switches in.
      if (record.version !== projection.version) continue;
      for (let position = record.position; position < first.position - 1n;) {
        const missed = readAfter(position, CATCH_UP_BATCH).filter((e) => e.position < first.position);
        const end = missed.at(-1);
        if (!end) break;
        this.applyInTransaction(
          projection,
          record.generation,
          missed.filter((e) => handlesEvent(projection, e)),
        );
        position = end.position;
      }
      const relevant = events.filter((e) => handlesEvent(projection, e));
      this.applyInTransaction(projection, record.generation, relevant);
      this.#writeRecord({ ...record, position: last.position });
    }
  }

  /** Brings inline projections up to the head (one transaction per batch): what open does. */
  catchUpInline(projections: readonly Projection[], readAfter: ReadAfter): void {
    const step = this.#db.transaction((projection: Projection): boolean => {
      const record = this.#get(projection.name);
      if (record.version !== projection.version) return false;
      const events = readAfter(record.position, CATCH_UP_BATCH);
      const last = events.at(-1);
      if (!last) return false;
      const relevant = events.filter((e) => handlesEvent(projection, e));
      this.applyInTransaction(projection, record.generation, relevant);
      this.#writeRecord({ ...record, position: last.position });
      return true;
    });
    for (const projection of projections) while (step.immediate(projection));
  }

  async setFailure(name: string, failure: ProjectionFailure | null): Promise<void> {
    const { changes } = this.#sql.setFailure.run(encodeRecordPart(failure), name);
    if (changes === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async requestRebuild(name: string): Promise<void> {
    const { changes } = this.#sql.setRebuildRequested.run(1, name);
    if (changes === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async cancelRebuildRequest(name: string): Promise<void> {
    const { changes } = this.#sql.setRebuildRequested.run(0, name);
    if (changes === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async beginRebuild(projection: Projection, total: bigint): Promise<RebuildRecord> {
    return this.#db
      .transaction(() => {
        const record = this.#get(projection.name);
        if (record.rebuild) return record.rebuild;
        const rebuild = newRebuild(record, projection, total);
        this.#drop(projection, rebuild.generation); // leftovers of an abandoned attempt
        this.#setup(projection, rebuild.generation);
        this.#sql.beginRebuild.run(encodeRecordPart(rebuild), projection.name);
        return rebuild;
      })
      .immediate();
  }

  async completeRebuild(projection: Projection, generation: number): Promise<void> {
    this.#db
      .transaction(() => {
        const record = this.#get(projection.name);
        const switched = switchedToRebuild(record, generation);
        if (projection.lifecycle === 'inline') {
          // Appends keep moving the old generation; switch only when the new one has every event.
          const head = this.#sql.head.get();
          if (head !== switched.position) throw new StaleCheckpointError(projection.name, switched.position);
        }
        this.#drop(projection, record.generation);
        this.#writeRecord(switched);
      })
      .immediate();
  }

  async skip(name: string, position: bigint, reason: string): Promise<SkipRecord> {
    return this.#db
      .transaction(() => {
        const { skip, record } = skipped(this.#get(name), position, reason);
        this.#sql.putSkip.run(name, skip.version, position, skip.eventId, reason, skip.skippedAt);
        this.#writeRecord(record);
        return skip;
      })
      .immediate();
  }

  async skips(name: string): Promise<SkipRecord[]> {
    return this.#sql.readSkips.all(name).map(decodeSkipRecord);
  }

  /* eslint-enable @typescript-eslint/require-await */

  documents<D>(projection: DocumentProjection<D> | string): DocumentReader<D> {
    const name = typeof projection === 'string' ? projection : projection.name;
    const { readActiveDocument, findActiveDocuments } = this.#sql;
    return {
      // eslint-disable-next-line @typescript-eslint/require-await
      get: async (id) => {
        const doc = readActiveDocument.get(name, name, id);
        return doc === undefined ? undefined : (decodeDocument(doc) as D);
      },
      // eslint-disable-next-line @typescript-eslint/require-await
      find: async (field, value) => {
        const key = indexValue({ [field]: value }, field);
        if (key === undefined) return [];
        return findActiveDocuments.all(name, name, field, key).map((doc) => decodeDocument(doc) as D);
      },
    };
  }

  /** Read access to an SQL projection's active tables: `tx.table('balances')` names the live copy. */
  sql(projection: SqlProjection<SqliteTx> | string): SqliteTx {
    const name = typeof projection === 'string' ? projection : projection.name;
    return new SqliteTx(this.#db, name, () => this.#read(name)?.generation ?? 1);
  }

  #applyDocuments(
    projection: DocumentProjection,
    generation: number,
    events: readonly RecordedEvent[],
  ): void {
    const { readDocument, upsertDocument, deleteDocument, unindexDocument, indexDocument } = this.#sql;
    const current = new Map<string, unknown>();
    for (const id of documentIds(projection, events)) {
      const doc = readDocument.get(projection.name, generation, id);
      current.set(id, doc === undefined ? undefined : decodeDocument(doc));
    }
    const changed = applyToDocuments(projection, events, current);
    for (const [id, doc] of changed) {
      if (projection.indexes.length > 0) unindexDocument.run(projection.name, generation, id);
      if (doc === null) {
        deleteDocument.run(projection.name, generation, id);
        continue;
      }
      upsertDocument.run(projection.name, generation, id, encodeDocument(doc));
      for (const [field, value] of documentIndexEntries(projection.indexes, doc)) {
        indexDocument.run(projection.name, generation, field, value, id);
      }
    }
  }

  #applySql(projection: SqlProjection, generation: number, events: readonly RecordedEvent[]): void {
    const tx = new SqliteTx(this.#db, projection.name, () => generation);
    for (const event of events) {
      const result = projection.apply(event, tx);
      if (result instanceof Promise) {
        throw new TypeError(`SQLite projection '${projection.name}' must apply events synchronously`);
      }
    }
  }

  #setup(projection: Projection, generation: number): void {
    if (projection.kind !== 'sql') return;
    const result = projection.setup(new SqliteTx(this.#db, projection.name, () => generation));
    if (result instanceof Promise) {
      throw new TypeError(`SQLite projection '${projection.name}' must set up its tables synchronously`);
    }
  }

  /** Deletes one generation's documents and tables. */
  #drop(projection: Projection, generation: number): void {
    const known = this.#known.get(projection.name) ?? projection;
    this.#sql.deleteDocuments.run(known.name, generation);
    this.#sql.deleteIndex.run(known.name, generation);
    if (known.kind === 'sql') {
      const tx = new SqliteTx(this.#db, known.name, () => generation);
      for (const table of known.tables) this.#db.exec(`DROP TABLE IF EXISTS ${tx.table(table)}`);
    }
  }

  /** Writes a record's generation, version, checkpoint, rebuild and failure. */
  #writeRecord(record: ProjectionRecord): void {
    this.#sql.writeRecord.run(
      record.version,
      record.generation,
      record.position,
      encodeRecordPart(record.rebuild),
      encodeRecordPart(record.failure),
      record.name,
    );
  }

  #read(name: string): ProjectionRecord | undefined {
    const row = this.#sql.readRecord.get(name);
    return row && decodeProjectionRecord(row);
  }

  #get(name: string): ProjectionRecord {
    const record = this.#read(name);
    if (!record) throw new ValidationError(`unknown projection '${name}'`);
    return record;
  }
}
