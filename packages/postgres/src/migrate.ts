import { SchemaVersionError } from '@janus/core';
import type pg from 'pg';
import {
  baseline,
  lastPreReleaseVersion,
  migrations,
  preReleaseUpgrade,
  schemaVersion,
  type Migration,
} from './migrations.js';
import { quoteIdentifier } from './pool.js';
import { withClient } from './withClient.js';

/** A versioned schema: where its version is kept, the version this code writes, and how to get there. */
export interface VersionedSchema {
  /** The table, in the schema, that holds its version (one row). */
  readonly versionTable: string;
  readonly version: number;
  /** The steps from `current` (0: nothing yet) to `version`; each commits with the version it brings. */
  steps(current: number): readonly MigrationStep[];
}

export interface MigrationStep {
  readonly version: number;
  readonly sql: string;
}

/**
 * The events' schema: a fresh one gets the baseline; one of the pre-1.0 chain is upgraded to exactly the
 * baseline in one transaction; then the migrations after the baseline, one by one.
 */
export const eventsSchema: VersionedSchema = {
  versionTable: 'schema_version',
  version: schemaVersion,
  steps(current) {
    const after = migrations.map((m, i) => ({ version: baseline.version + i + 1, sql: m.sql }));
    if (current === 0) return [{ version: baseline.version, sql: baseline.sql }, ...after];
    if (current <= lastPreReleaseVersion) {
      const sql = `${preReleaseUpgrade.sql}\n${baseline.sql}`;
      return [{ version: baseline.version, sql }, ...after];
    }
    return after.filter((step) => step.version > current);
  },
};

/** A schema that grows by a list of migrations from nothing: the first brings version 1. */
export function listSchema(list: readonly Migration[], versionTable: string): VersionedSchema {
  return {
    versionTable,
    version: list.length,
    steps: (current) => list.slice(current).map((m, i) => ({ version: current + i + 1, sql: m.sql })),
  };
}

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
 * once; each step commits with the version it brings. Refuses a schema written by newer code.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  described: VersionedSchema = eventsSchema,
): Promise<void> {
  const q = quoteIdentifier(schema);
  const { versionTable } = described;
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
      if (current > described.version) {
        throw new SchemaVersionError(
          `the PostgreSQL schema '${schema}'`,
          current,
          described.version,
          '@janus/postgres',
        );
      }
      for (const step of described.steps(current)) {
        await client.query('BEGIN');
        try {
          await client.query(schemaSql(step.sql, schema));
          await client.query(`UPDATE ${q}.${versionTable} SET version = $1`, [step.version]);
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
