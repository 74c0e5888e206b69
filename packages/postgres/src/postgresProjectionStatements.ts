// The SQL of the PostgreSQL projection store, for the tables of one schema: rows come back as the
// store-kit codec decodes them (JSON as text).

/** A projection record as a StoredProjectionRow. */
const RECORD_COLUMNS =
  'name, version, generation, position, rebuild::text AS rebuild, rebuild_requested, failure::text AS failure';

/** The statements of the store on the schema `q` (quoted): what each binds is in its comment. */
export function projectionStatements(q: string) {
  /** The active generation of the projection named by $1, looked up in the query's own statement. */
  const active = `(SELECT generation FROM ${q}.projections WHERE name = $1)`;
  return {
    /** name, version: answers a row only when the projection is new. */
    insertRecord: `INSERT INTO ${q}.projections (name, version, generation, position) VALUES ($1, $2, 1, 0)
      ON CONFLICT (name) DO NOTHING`,
    /** name. */
    readRecord: `SELECT ${RECORD_COLUMNS} FROM ${q}.projections WHERE name = $1`,
    /** name: the row stays locked until the transaction ends. */
    lockRecord: `SELECT ${RECORD_COLUMNS} FROM ${q}.projections WHERE name = $1 FOR UPDATE`,
    // COLLATE "C": names in character-code order, as every store lists them, whatever the database's collation.
    readRecords: `SELECT ${RECORD_COLUMNS} FROM ${q}.projections ORDER BY name COLLATE "C"`,
    /**
     * position, rebuild, failure, name, version, generation, channel. The notification is delivered at
     * COMMIT: waiters in every process wake when the new checkpoint is visible.
     */
    writeRecord: `WITH updated AS (
        UPDATE ${q}.projections
           SET version = $5, generation = $6, position = $1, rebuild = $2::json, failure = $3::json
         WHERE name = $4 RETURNING name)
      SELECT pg_notify($7, name) FROM updated`,
    /** failure, name. */
    setFailure: `UPDATE ${q}.projections SET failure = $1::json WHERE name = $2`,
    /** rebuild requested, name. */
    setRebuildRequested: `UPDATE ${q}.projections SET rebuild_requested = $1 WHERE name = $2`,
    /** rebuild, name. */
    beginRebuild: `UPDATE ${q}.projections SET rebuild = $1::json, rebuild_requested = false WHERE name = $2`,
    /** The position of the last event, NULL for none. */
    head: `SELECT max(position) AS head FROM ${q}.events`,
    /** name, version, position, event id, reason, skipped at. */
    putSkip: `INSERT INTO ${q}.projection_skips (name, version, position, event_id, reason, skipped_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name, version, position)
      DO UPDATE SET event_id = excluded.event_id, reason = excluded.reason, skipped_at = excluded.skipped_at`,
    /** name. */
    readSkips: `SELECT * FROM ${q}.projection_skips WHERE name = $1 ORDER BY position`,
    /** projection, id: a document of the active generation. */
    readActiveDocument: `SELECT doc::text AS doc FROM ${q}.projection_documents
      WHERE projection = $1 AND generation = ${active} AND id = $2`,
    /**
     * projection, field, value: the active generation's documents with that index entry, in id order by
     * character codes (COLLATE "C"), as every store answers, whatever the database's collation.
     */
    findActiveDocuments: `SELECT d.doc::text AS doc FROM ${q}.projection_document_index i
      JOIN ${q}.projection_documents d
        ON d.projection = i.projection AND d.generation = i.generation AND d.id = i.id
      WHERE i.projection = $1 AND i.generation = ${active} AND i.field = $2 AND i.value = $3
      ORDER BY i.id COLLATE "C"`,
    /** projection, generation, ids. */
    readDocuments: `SELECT id, doc::text AS doc FROM ${q}.projection_documents
      WHERE projection = $1 AND generation = $2 AND id = ANY ($3)`,
    /** projection, generation, ids, docs. */
    updateDocuments: `UPDATE ${q}.projection_documents d SET doc = x.doc::json
      FROM unnest($3::text[], $4::text[]) AS x(id, doc)
      WHERE d.projection = $1 AND d.generation = $2 AND d.id = x.id`,
    /** projection, generation, ids, docs. */
    insertDocuments: `INSERT INTO ${q}.projection_documents (projection, generation, id, doc)
      SELECT $1, $2, id, doc::json FROM unnest($3::text[], $4::text[]) AS x(id, doc)
      ON CONFLICT (projection, generation, id) DO UPDATE SET doc = excluded.doc`,
    /** projection, generation, ids. */
    deleteDocuments: `DELETE FROM ${q}.projection_documents WHERE projection = $1 AND generation = $2 AND id = ANY ($3)`,
    /** projection, generation, ids. */
    unindexDocuments: `DELETE FROM ${q}.projection_document_index
      WHERE projection = $1 AND generation = $2 AND id = ANY ($3)`,
    /** projection, generation, fields, values, ids. */
    indexDocuments: `INSERT INTO ${q}.projection_document_index (projection, generation, field, value, id)
      SELECT $1, $2, f, v, i FROM unnest($3::text[], $4::text[], $5::text[]) AS x(f, v, i)`,
    /** projection, generation. */
    dropDocuments: `DELETE FROM ${q}.projection_documents WHERE projection = $1 AND generation = $2`,
    /** projection, generation. */
    dropIndex: `DELETE FROM ${q}.projection_document_index WHERE projection = $1 AND generation = $2`,
  } as const;
}

/** The SQL texts of the store. */
export type ProjectionStatements = ReturnType<typeof projectionStatements>;
