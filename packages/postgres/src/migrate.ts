import { SchemaVersionError } from '@janus/core';
import type pg from 'pg';
import { migrations, schemaVersion } from './migrations.js';
import { quoteIdentifier } from './pool.js';
import { withClient } from './withClient.js';

/** The SQL for one schema: placeholders replaced. */
export function schemaSql(sql: string, schema: string): string {
  const q = quoteIdentifier(schema);
  return sql
    .replaceAll('{schema}', q)
    .replaceAll('{appendLock}', `hashtext('janus.append:${schema}')`)
    .replaceAll('{channel}', `'${notificationChannel(schema)}'`);
}

/** The LISTEN/NOTIFY channel on which a schema's appends are announced. */
export const notificationChannel = (schema: string) => `janus_appended_${schema}`.toLowerCase();

/**
 * Creates or migrates a schema, holding an advisory lock so that processes starting at once migrate it
 * once; each migration commits with the version it brings. Refuses a schema written by newer code.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  list: readonly { readonly sql: string }[] = migrations,
  versionTable = 'schema_version',
): Promise<void> {
  const q = quoteIdentifier(schema);
  const lock = `janus.migrate:${schema}`;
  await withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${q}.${versionTable} (version integer NOT NULL)`);
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${q}.${versionTable}`);
      let current = rows[0]?.version;
      if (current === undefined) {
        await client.query(`INSERT INTO ${q}.${versionTable} (version) VALUES (0)`);
        current = 0;
      }
      const supported = list === migrations ? schemaVersion : list.length;
      if (current > supported) {
        throw new SchemaVersionError(
          `the PostgreSQL schema '${schema}'`,
          current,
          supported,
          '@janus/postgres',
        );
      }
      for (const [index, migration] of list.entries()) {
        if (index < current) continue;
        await client.query('BEGIN');
        try {
          await client.query(schemaSql(migration.sql, schema));
          await client.query(`UPDATE ${q}.${versionTable} SET version = $1`, [index + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
    }
  });
}
