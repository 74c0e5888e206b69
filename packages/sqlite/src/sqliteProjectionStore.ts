import type { Database, Statement } from 'better-sqlite3';
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
  newRebuild,
  skipped,
  switchedToRebuild,
  documentIds,
  fromJson,
  indexValue,
  toJson,
  withCheckpoint,
} from '@janus/core/store-kit';
import { SqliteTx } from './sqliteTx.js';

interface ProjectionRow {
  name: string;
  version: bigint;
  generation: bigint;
  position: bigint;
  rebuild: string | null;
  rebuild_requested: bigint;
  failure: string | null;
}

/** Up to `limit` events of the log after a position, in order. */
export type ReadAfter = (after: bigint, limit: number) => RecordedEvent[];

/** Events read per step when an inline projection catches up. */
const CATCH_UP_BATCH = 1000;

interface SkipRow {
  name: string;
  version: bigint;
  position: bigint;
  event_id: string;
  reason: string;
  skipped_at: string;
}

/**
 * Read models and their checkpoints in the event store's SQLite file, on its connection: every method is
 * one synchronous transaction, so a batch's read-model changes and its checkpoint commit together, and an
 * inline projection can run inside the append's own transaction.
 */
export class SqliteProjectionStore implements ProjectionStore, ReadModels {
  readonly #db: Database;
  readonly #known = new Map<string, Projection>();
  /** Statements prepared once, by SQL text: preparing costs more than running on the hot path. */
  readonly #statements = new Map<string, Statement>();
  readonly #plucked = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
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
        this.#prepare(
          'INSERT INTO projections (name, version, generation, position, rebuild_requested) VALUES (?, ?, 1, 0, 0)',
        ).run(projection.name, projection.version);
        this.#setup(projection, 1);
        return this.#get(projection.name);
      })
      .immediate();
  }

  async record(name: string): Promise<ProjectionRecord | undefined> {
    return this.#read(name);
  }

  async records(): Promise<ProjectionRecord[]> {
    return this.#prepare<[], ProjectionRow>('SELECT * FROM projections ORDER BY name').all().map(toRecord);
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
    const { changes } = this.#prepare('UPDATE projections SET failure = ? WHERE name = ?').run(
      failure ? toJson(failure) : null,
      name,
    );
    if (changes === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async requestRebuild(name: string): Promise<void> {
    const { changes } = this.#prepare('UPDATE projections SET rebuild_requested = 1 WHERE name = ?').run(
      name,
    );
    if (changes === 0) throw new ValidationError(`unknown projection '${name}'`);
  }

  async cancelRebuildRequest(name: string): Promise<void> {
    const { changes } = this.#prepare('UPDATE projections SET rebuild_requested = 0 WHERE name = ?').run(
      name,
    );
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
        this.#prepare('UPDATE projections SET rebuild = ?, rebuild_requested = 0 WHERE name = ?').run(
          toJson(rebuild),
          projection.name,
        );
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
          const head = this.#pluck<[], bigint>('SELECT coalesce(max(position), 0) FROM events').get();
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
        this.#prepare(
          'INSERT OR REPLACE INTO projection_skips (name, version, position, event_id, reason, skipped_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(name, skip.version, position, skip.eventId, reason, skip.skippedAt);
        this.#writeRecord(record);
        return skip;
      })
      .immediate();
  }

  async skips(name: string): Promise<SkipRecord[]> {
    return this.#prepare<[string], SkipRow>('SELECT * FROM projection_skips WHERE name = ? ORDER BY position')
      .all(name)
      .map((r) => ({
        name: r.name,
        version: Number(r.version),
        position: r.position,
        eventId: r.event_id,
        reason: r.reason,
        skippedAt: r.skipped_at,
      }));
  }

  /* eslint-enable @typescript-eslint/require-await */

  documents<D>(projection: DocumentProjection<D> | string): DocumentReader<D> {
    const name = typeof projection === 'string' ? projection : projection.name;
    // The active generation is looked up in the same statement (one snapshot): a switch committed by
    // another connection between two statements would otherwise leave a query reading a dropped generation.
    const active = '(SELECT generation FROM projections WHERE name = ?)';
    const get = this.#pluck<[string, string, string], string>(
      `SELECT doc FROM projection_documents WHERE projection = ? AND generation = ${active} AND id = ?`,
    );
    const find = this.#pluck<[string, string, string, string], string>(
      `SELECT d.doc FROM projection_document_index i
         JOIN projection_documents d ON d.projection = i.projection AND d.generation = i.generation AND d.id = i.id
        WHERE i.projection = ? AND i.generation = ${active} AND i.field = ? AND i.value = ? ORDER BY i.id`,
    );
    return {
      // eslint-disable-next-line @typescript-eslint/require-await
      get: async (id) => {
        const doc = get.get(name, name, id);
        return doc === undefined ? undefined : (fromJson(doc) as D);
      },
      // eslint-disable-next-line @typescript-eslint/require-await
      find: async (field, value) => {
        const key = indexValue({ [field]: value }, field);
        if (key === undefined) return [];
        return find.all(name, name, field, key).map((doc) => fromJson(doc) as D);
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
    const ids = documentIds(projection, events);
    const load = this.#pluck<[string, number, string], string>(SELECT_DOCUMENT);
    const current = new Map<string, unknown>();
    for (const id of ids) {
      const doc = load.get(projection.name, generation, id);
      current.set(id, doc === undefined ? undefined : fromJson(doc));
    }
    const changed = applyToDocuments(projection, events, current);
    const upsert = this.#prepare(
      'INSERT INTO projection_documents (projection, generation, id, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET doc = excluded.doc',
    );
    const remove = this.#prepare(
      'DELETE FROM projection_documents WHERE projection = ? AND generation = ? AND id = ?',
    );
    const unindex = this.#prepare(
      'DELETE FROM projection_document_index WHERE projection = ? AND generation = ? AND id = ?',
    );
    const index = this.#prepare(
      'INSERT INTO projection_document_index (projection, generation, field, value, id) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [id, doc] of changed) {
      if (projection.indexes.length > 0) unindex.run(projection.name, generation, id);
      if (doc === null) {
        remove.run(projection.name, generation, id);
        continue;
      }
      upsert.run(projection.name, generation, id, toJson(doc));
      for (const field of projection.indexes) {
        const value = indexValue(doc, field);
        if (value !== undefined) index.run(projection.name, generation, field, value, id);
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
    this.#prepare('DELETE FROM projection_documents WHERE projection = ? AND generation = ?').run(
      known.name,
      generation,
    );
    this.#prepare('DELETE FROM projection_document_index WHERE projection = ? AND generation = ?').run(
      known.name,
      generation,
    );
    if (known.kind === 'sql') {
      const tx = new SqliteTx(this.#db, known.name, () => generation);
      for (const table of known.tables) this.#db.exec(`DROP TABLE IF EXISTS ${tx.table(table)}`);
    }
  }

  /** Writes a record's generation, version, checkpoint, rebuild and failure. */
  #writeRecord(record: ProjectionRecord): void {
    this.#prepare(
      'UPDATE projections SET version = ?, generation = ?, position = ?, rebuild = ?, failure = ? WHERE name = ?',
    ).run(
      record.version,
      record.generation,
      record.position,
      record.rebuild ? toJson(record.rebuild) : null,
      record.failure ? toJson(record.failure) : null,
      record.name,
    );
  }

  #read(name: string): ProjectionRecord | undefined {
    const row = this.#prepare<[string], ProjectionRow>('SELECT * FROM projections WHERE name = ?').get(name);
    return row && toRecord(row);
  }

  #prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement as unknown as Statement<P, R>;
  }

  /** A statement that answers the first column's value (kept apart: pluck mode belongs to the statement). */
  #pluck<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let statement = this.#plucked.get(sql);
    if (!statement) this.#plucked.set(sql, (statement = this.#db.prepare(sql).pluck()));
    return statement as unknown as Statement<P, R>;
  }

  #get(name: string): ProjectionRecord {
    const record = this.#read(name);
    if (!record) throw new ValidationError(`unknown projection '${name}'`);
    return record;
  }
}

const SELECT_DOCUMENT =
  'SELECT doc FROM projection_documents WHERE projection = ? AND generation = ? AND id = ?';

function toRecord(row: ProjectionRow): ProjectionRecord {
  return {
    name: row.name,
    version: Number(row.version),
    generation: Number(row.generation),
    position: row.position,
    rebuild: row.rebuild === null ? null : (fromJson(row.rebuild) as RebuildRecord),
    rebuildRequested: row.rebuild_requested !== 0n,
    failure: row.failure === null ? null : (fromJson(row.failure) as ProjectionFailure),
  };
}
