import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { isJanusError } from '@janus/core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { migrate, migrations, schemaVersion } from './migrate.js';
import { SchemaVersionError } from '@janus/core';
import { SqliteEventStore } from './sqliteEventStore.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-sqlite-'));
  file = path.join(dir, 'store.db');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function inspect<T>(look: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(file, { readonly: true });
  try {
    return look(db);
  } finally {
    db.close();
  }
}

const tables = (db: Sqlite.Database) =>
  db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all();

test('the schema version is the number of migrations', () => {
  expect(schemaVersion).toBe(migrations.length);
  expect(schemaVersion).toBeGreaterThanOrEqual(1);
});

test('opening a new file creates the schema at the current version', async () => {
  const store = await SqliteEventStore.open(file);
  await store.close();
  inspect((db) => {
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(tables(db)).toEqual([
      'events',
      'idempotency_keys',
      'key_secret',
      'projection_document_index',
      'projection_documents',
      'projection_skips',
      'projections',
      'snapshots',
      'streams',
    ]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

test('opening an up-to-date file changes nothing', async () => {
  const first = await SqliteEventStore.open(file);
  await first.append('s', [{ type: 't', data: 1 }]);
  await first.close();
  const second = await SqliteEventStore.open(file);
  expect(await second.head()).toBe(1n);
  await second.close();
  inspect((db) => {
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
  });
});

test('migrate applies only the migrations a file lacks', () => {
  const db = new Sqlite(file);
  migrate(db, file);
  db.prepare("INSERT INTO snapshots (stream_id, name, version, state) VALUES ('s', 'n', 1, '{}')").run();
  migrate(db, file);
  expect(db.prepare('SELECT count(*) FROM snapshots').pluck().get()).toBe(1);
  db.close();
});

test('a file written by a newer schema version is refused with a typed error naming both versions', async () => {
  const newer = schemaVersion + 1;
  const db = new Sqlite(file);
  db.pragma(`user_version = ${newer}`);
  db.close();

  const error: unknown = await SqliteEventStore.open(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SchemaVersionError);
  expect(isJanusError(error)).toBe(true);
  expect(error).toMatchObject({
    code: 'schema-version-unsupported',
    location: `the SQLite file '${file}'`,
    foundVersion: newer,
    supportedVersion: schemaVersion,
  });
  expect((error as Error).message).toContain(`schema version ${newer}`);
  expect((error as Error).message).toContain(`up to ${schemaVersion}`);
  // The file is left as it was.
  inspect((d) => {
    expect(d.pragma('user_version', { simple: true })).toBe(newer);
    expect(tables(d)).toEqual([]);
  });
});
