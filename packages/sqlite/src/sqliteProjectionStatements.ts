import type { Database, Statement } from 'better-sqlite3';
import type { StoredProjectionRow, StoredSkipRow } from '@janus/core/store-kit';

// The SQL of the SQLite projection store, prepared once per connection: preparing costs more than running.

/**
 * The active generation of the projection named by the first parameter, looked up in the query's own
 * statement (one snapshot): a switch committed by another connection between two statements would
 * otherwise leave a query reading a dropped generation.
 */
const ACTIVE = '(SELECT generation FROM projections WHERE name = ?)';

/** The statements of the store: what each binds, and the row it answers. */
export interface SqliteProjectionStatements {
  readonly insertRecord: Statement<[string, number]>;
  readonly readRecord: Statement<[string], StoredProjectionRow>;
  readonly readRecords: Statement<[], StoredProjectionRow>;
  /** version, generation, position, rebuild, failure; by name. */
  readonly writeRecord: Statement<[number, number, bigint, string | null, string | null, string]>;
  readonly setFailure: Statement<[string | null, string]>;
  readonly setRebuildRequested: Statement<[0 | 1, string]>;
  readonly beginRebuild: Statement<[string | null, string]>;
  /** The position of the last event, 0 for none. */
  readonly head: Statement<[], bigint>;
  readonly putSkip: Statement<[string, number, bigint, string, string, string]>;
  readonly readSkips: Statement<[string], StoredSkipRow>;
  /** A document of a generation, as JSON text. */
  readonly readDocument: Statement<[string, number, string], string>;
  /** A document of the active generation: projection, projection, id. */
  readonly readActiveDocument: Statement<[string, string, string], string>;
  /** The documents of the active generation with an index entry: projection, projection, field, value. */
  readonly findActiveDocuments: Statement<[string, string, string, string], string>;
  readonly upsertDocument: Statement<[string, number, string, string]>;
  readonly deleteDocument: Statement<[string, number, string]>;
  readonly unindexDocument: Statement<[string, number, string]>;
  readonly indexDocument: Statement<[string, number, string, string, string]>;
  readonly deleteDocuments: Statement<[string, number]>;
  readonly deleteIndex: Statement<[string, number]>;
}

/** The statements of the store, prepared once. */
export function prepareProjectionStatements(db: Database): SqliteProjectionStatements {
  return {
    insertRecord: db.prepare<[string, number]>(
      'INSERT INTO projections (name, version, generation, position, rebuild_requested) VALUES (?, ?, 1, 0, 0)',
    ),
    readRecord: db.prepare<[string], StoredProjectionRow>('SELECT * FROM projections WHERE name = ?'),
    readRecords: db.prepare<[], StoredProjectionRow>('SELECT * FROM projections ORDER BY name'),
    writeRecord: db.prepare<[number, number, bigint, string | null, string | null, string]>(
      'UPDATE projections SET version = ?, generation = ?, position = ?, rebuild = ?, failure = ? WHERE name = ?',
    ),
    setFailure: db.prepare<[string | null, string]>('UPDATE projections SET failure = ? WHERE name = ?'),
    setRebuildRequested: db.prepare<[0 | 1, string]>(
      'UPDATE projections SET rebuild_requested = ? WHERE name = ?',
    ),
    beginRebuild: db.prepare<[string | null, string]>(
      'UPDATE projections SET rebuild = ?, rebuild_requested = 0 WHERE name = ?',
    ),
    head: db.prepare<[], bigint>('SELECT coalesce(max(position), 0) FROM events').pluck(),
    putSkip: db.prepare<[string, number, bigint, string, string, string]>(
      'INSERT OR REPLACE INTO projection_skips (name, version, position, event_id, reason, skipped_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    readSkips: db.prepare<[string], StoredSkipRow>(
      'SELECT * FROM projection_skips WHERE name = ? ORDER BY position',
    ),
    readDocument: db
      .prepare<[string, number, string], string>(
        'SELECT doc FROM projection_documents WHERE projection = ? AND generation = ? AND id = ?',
      )
      .pluck(),
    readActiveDocument: db
      .prepare<[string, string, string], string>(
        `SELECT doc FROM projection_documents WHERE projection = ? AND generation = ${ACTIVE} AND id = ?`,
      )
      .pluck(),
    findActiveDocuments: db
      .prepare<[string, string, string, string], string>(
        `SELECT d.doc FROM projection_document_index i
           JOIN projection_documents d ON d.projection = i.projection AND d.generation = i.generation AND d.id = i.id
          WHERE i.projection = ? AND i.generation = ${ACTIVE} AND i.field = ? AND i.value = ? ORDER BY i.id`,
      )
      .pluck(),
    upsertDocument: db.prepare<[string, number, string, string]>(
      'INSERT INTO projection_documents (projection, generation, id, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET doc = excluded.doc',
    ),
    deleteDocument: db.prepare<[string, number, string]>(
      'DELETE FROM projection_documents WHERE projection = ? AND generation = ? AND id = ?',
    ),
    unindexDocument: db.prepare<[string, number, string]>(
      'DELETE FROM projection_document_index WHERE projection = ? AND generation = ? AND id = ?',
    ),
    indexDocument: db.prepare<[string, number, string, string, string]>(
      'INSERT INTO projection_document_index (projection, generation, field, value, id) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteDocuments: db.prepare<[string, number]>(
      'DELETE FROM projection_documents WHERE projection = ? AND generation = ?',
    ),
    deleteIndex: db.prepare<[string, number]>(
      'DELETE FROM projection_document_index WHERE projection = ? AND generation = ?',
    ),
  };
}
