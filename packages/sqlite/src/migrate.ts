import type { Database } from 'better-sqlite3';
import { SchemaVersionError } from '@janus/core';

/**
 * The schema as an ordered list of migrations: a file at `PRAGMA user_version` N has had the first N
 * applied. Only ever append to this list; never edit an entry that was released.
 */
export const migrations: readonly { readonly description: string; readonly sql: string }[] = [
  {
    description: 'events, streams and snapshots',
    sql: `
      CREATE TABLE events (
        position    INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id    TEXT    NOT NULL UNIQUE,
        stream_id   TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT,
        metadata    TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        UNIQUE (stream_id, version)
      );
      CREATE TABLE streams (
        stream_id TEXT    NOT NULL PRIMARY KEY,
        version   INTEGER NOT NULL,
        position  INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE snapshots (
        stream_id TEXT    NOT NULL,
        name      TEXT    NOT NULL,
        version   INTEGER NOT NULL,
        state     TEXT,
        PRIMARY KEY (stream_id, name)
      ) WITHOUT ROWID;
    `,
  },
  {
    description: 'projections: checkpoints, documents, skips',
    sql: `
      CREATE TABLE projections (
        name              TEXT    NOT NULL PRIMARY KEY,
        version           INTEGER NOT NULL,
        generation        INTEGER NOT NULL,
        position          INTEGER NOT NULL,
        rebuild           TEXT,
        rebuild_requested INTEGER NOT NULL DEFAULT 0,
        failure           TEXT
      ) WITHOUT ROWID;
      CREATE TABLE projection_documents (
        projection TEXT    NOT NULL,
        generation INTEGER NOT NULL,
        id         TEXT    NOT NULL,
        doc        TEXT    NOT NULL,
        PRIMARY KEY (projection, generation, id)
      ) WITHOUT ROWID;
      CREATE TABLE projection_document_index (
        projection TEXT    NOT NULL,
        generation INTEGER NOT NULL,
        field      TEXT    NOT NULL,
        value      TEXT    NOT NULL,
        id         TEXT    NOT NULL,
        PRIMARY KEY (projection, generation, field, value, id)
      ) WITHOUT ROWID;
      CREATE INDEX projection_document_index_by_id ON projection_document_index (projection, generation, id);
      CREATE TABLE projection_skips (
        name       TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        position   INTEGER NOT NULL,
        event_id   TEXT    NOT NULL,
        reason     TEXT    NOT NULL,
        skipped_at TEXT    NOT NULL,
        PRIMARY KEY (name, version, position)
      ) WITHOUT ROWID;
    `,
  },
  {
    description: 'idempotency keys, apart from the global log',
    // expires_at in epoch milliseconds; issued_at as the command carried it (its rebuild runs with it).
    sql: `
      CREATE TABLE idempotency_keys (
        scope          TEXT    NOT NULL,
        key            TEXT    NOT NULL,
        fingerprint    TEXT    NOT NULL,
        message_id     TEXT    NOT NULL,
        issued_at      TEXT    NOT NULL,
        expires_at     INTEGER NOT NULL,
        first_position INTEGER,
        answer         TEXT,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;
      CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    description: 'idempotency keys know the stream versions their command read',
    // JSON { streamId: version }: a rebuild of a lost answer reads each stream at the version the command
    // decided on. NULL on records written before (their rebuild reads before their first position).
    sql: `ALTER TABLE idempotency_keys ADD COLUMN read_versions TEXT;`,
  },
  {
    description: 'the key secret, kept with the events',
    // One row at most: the secret key fingerprints are made with (KeySecretStore; the first one kept wins).
    sql: `CREATE TABLE key_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL);`,
  },
];

/** The schema version this code writes. */
export const schemaVersion = migrations.length;

/**
 * Brings the file's schema up to `schemaVersion`, in one transaction (two processes opening a new file
 * at once do not both migrate it). Refuses a file written by a newer schema with a SchemaVersionError.
 */
export function migrate(db: Database, filename: string): void {
  // A file already at this version needs no write lock: readers (the CLI) must not wait on a busy writer.
  const found = Number(db.pragma('user_version', { simple: true }));
  if (found > schemaVersion) {
    throw new SchemaVersionError(`the SQLite file '${filename}'`, found, schemaVersion, '@janus/sqlite');
  }
  if (found === schemaVersion) return;
  db.transaction(() => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > schemaVersion)
      throw new SchemaVersionError(`the SQLite file '${filename}'`, current, schemaVersion, '@janus/sqlite');
    for (const migration of migrations.slice(current)) db.exec(migration.sql);
    if (current < schemaVersion) db.pragma(`user_version = ${schemaVersion}`);
  }).immediate();
}
