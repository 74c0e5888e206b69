import { listSchema } from './migrate.js';

/**
 * The read side's schema (checkpoints, documents, skips), versioned apart from the events' schema so
 * that read models can live in another database. `{schema}` stands for the quoted schema name.
 */
export const readMigrations: readonly { readonly description: string; readonly sql: string }[] = [
  {
    description: 'projections: checkpoints, documents, skips',
    sql: `
      CREATE TABLE {schema}.projections (
        name              text    PRIMARY KEY,
        version           integer NOT NULL,
        generation        integer NOT NULL,
        position          bigint  NOT NULL,
        rebuild           json,
        rebuild_requested boolean NOT NULL DEFAULT false,
        failure           json
      );
      CREATE TABLE {schema}.projection_documents (
        projection text    NOT NULL,
        generation integer NOT NULL,
        id         text    NOT NULL,
        doc        json    NOT NULL,
        PRIMARY KEY (projection, generation, id)
      );
      CREATE TABLE {schema}.projection_document_index (
        projection text    NOT NULL,
        generation integer NOT NULL,
        field      text    NOT NULL,
        value      text    NOT NULL,
        id         text    NOT NULL,
        PRIMARY KEY (projection, generation, field, value, id)
      );
      CREATE INDEX ON {schema}.projection_document_index (projection, generation, id);
      CREATE TABLE {schema}.projection_skips (
        name       text    NOT NULL,
        version    integer NOT NULL,
        position   bigint  NOT NULL,
        event_id   text    NOT NULL,
        reason     text    NOT NULL,
        skipped_at text    NOT NULL,
        PRIMARY KEY (name, version, position)
      );
    `,
  },
  {
    description: 'documents leave room on their pages for updates',
    // A catch-up rewrites the same documents batch after batch. With room on the page, PostgreSQL
    // updates a row in place of its old version (a HOT update: no new index entry, and the dead version
    // is pruned with the page, without waiting for VACUUM); on full pages each update grew the table and
    // its index. Pages written from now on keep 30% free.
    sql: `
      ALTER TABLE {schema}.projection_documents SET (fillfactor = 70);
    `,
  },
];

/** The read side's schema, versioned in its own table. */
export const readSchema = listSchema(readMigrations, 'read_schema_version');
