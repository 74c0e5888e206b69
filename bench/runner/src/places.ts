// A fresh place for every repetition: an empty folder under the OS's temp folder and, for PostgreSQL, a
// database of its own on the server, dropped afterwards.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { SubjectPlace } from './subject.js';

/** The server benchmarks make their databases on: JANUS_PG_URL, or the local default (as the tests). */
export const pgServerUrl = process.env.JANUS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when PostgreSQL is left out on purpose (JANUS_SKIP_PG=1), as in the tests. */
export const skipPostgres = process.env.JANUS_SKIP_PG === '1';

export interface Place extends SubjectPlace {
  /**
   * Drops the database (after its connections ended, unless told not to wait) and deletes the folder, or
   * leaves the folder for removeLeftovers when `keepDir` (a failed subject may still be writing there).
   */
  dispose(options?: { readonly waitForConnections?: boolean; readonly keepDir?: boolean }): Promise<void>;
}

/** The places not disposed of yet: an interrupted run drops them on its way out (disposeAll). */
const live = new Set<Place>();
/** Folders of failed subjects, removed at the end of the run (removeLeftovers). */
const leftovers = new Set<string>();

/** An empty folder, and a fresh database when `withDatabase` (none otherwise: pgUrl is then empty). */
export async function freshPlace(withDatabase: boolean): Promise<Place> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-bench-'));
  const removeDir = () => fs.rm(dir, { recursive: true, force: true });
  const name = `janus_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (withDatabase) {
    try {
      await adminQuery(`CREATE DATABASE ${name}`);
    } catch (error) {
      await removeDir();
      throw error;
    }
  }
  const url = new URL(pgServerUrl);
  url.pathname = `/${name}`;
  const place: Place = {
    dir,
    pgUrl: withDatabase ? url.toString() : '',
    async dispose({ waitForConnections = true, keepDir = false } = {}) {
      live.delete(place);
      if (keepDir) leftovers.add(dir);
      else await removeDir();
      if (!withDatabase) return;
      if (waitForConnections) await untilDisconnected(name);
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
  live.add(place);
  return place;
}

/** Disposes of every place still in use, without waiting for their connections: for an interrupted run. */
export async function disposeAll(): Promise<void> {
  await Promise.allSettled([...live].map((place) => place.dispose({ waitForConnections: false })));
  await removeLeftovers();
}

/** Removes the folders that failed subjects left. */
export async function removeLeftovers(): Promise<void> {
  await Promise.allSettled([...leftovers].map((dir) => fs.rm(dir, { recursive: true, force: true })));
  leftovers.clear();
}

/**
 * Runs `work` on a fresh place and disposes of it afterwards, whatever happens; after a failure the folder
 * stays until the end of the run, as a failed subject may still have statements running on its files.
 */
export async function inFreshPlace<T>(withDatabase: boolean, work: (place: Place) => Promise<T>): Promise<T> {
  const place = await freshPlace(withDatabase);
  let failed = true;
  try {
    const result = await work(place);
    failed = false;
    return result;
  } finally {
    await place.dispose({ keepDir: failed });
  }
}

/** Fails with a message that says how to start PostgreSQL (or skip it) when the server is unreachable. */
export async function assertPostgresReachable(): Promise<void> {
  await adminQuery('SELECT 1');
}

/** The server's version and durability settings, for the report. */
export async function postgresSettings(): Promise<Record<string, string>> {
  const rows = await adminQuery(
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.name), String(row.setting)]));
}

/**
 * Waits (up to 15 s) until no connection is left to the database: a pool a subject left open ends its
 * idle connections after 10 s by itself, whereas the forced drop would end them with an error event
 * that crashes the process when the pool has no listener for it.
 */
async function untilDisconnected(name: string): Promise<void> {
  const started = Date.now();
  const deadline = started + 15_000;
  let left = '';
  for (;;) {
    const [row] = await adminQuery(
      `SELECT count(*)::int AS n, string_agg(DISTINCT application_name, ', ') AS apps
         FROM pg_stat_activity WHERE datname = '${name}'`,
    );
    if (!row || row.n === 0) break;
    left = `${String(row.n)} connection(s) (${String(row.apps)})`;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (Date.now() - started > 1000) {
    process.stderr.write(`  ${left} to ${name} stayed open ${Date.now() - started} ms after close\n`);
  }
}

async function adminQuery(sql: string): Promise<Record<string, unknown>[]> {
  const admin = new pg.Client({ connectionString: pgServerUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${pgServerUrl} (${String(error)}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, point JANUS_PG_URL at ' +
        'another server, or set JANUS_SKIP_PG=1 to leave PostgreSQL out on purpose.',
      { cause: error },
    );
  }
  try {
    return (await admin.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await admin.end();
  }
}
