// Schema creation and migration: several processes opening one fresh schema at once migrate it once;
// a schema written by newer code is refused; schemas in one database are independent; bad names refused.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaVersionError } from '@janus/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { schemaVersion } from './migrations.js';
import { PostgresEventStore } from './postgresEventStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

/** The child process, as `tsc -b` compiles it (`npm test` builds before it runs vitest). */
const childScript = fileURLToPath(new URL('../dist/testing/openStoreProcess.js', import.meta.url));
const PROCESSES = 4;

let database: TestDatabase;
let admin: pg.Client;

describe.skipIf(skipPostgres)('PostgreSQL schema migration', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_migrate');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  test(`${PROCESSES} processes opening one fresh schema at once: all succeed, it is migrated once`, async () => {
    if (!fs.existsSync(childScript)) {
      throw new Error(`${childScript} is missing: build first (npx tsc -b packages/postgres)`);
    }
    const schema = 'raced';
    // Every object the migration creates is logged with the backend that created it and the number of
    // backends then waiting on an advisory lock. The first one holds its command until the other
    // processes wait behind it (or 5 s pass), so that they really do all arrive at once.
    await admin.query(`
      CREATE TABLE public.ddl_log (pid integer NOT NULL, tag text NOT NULL, identity text, waiting integer);
      CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        waiting integer;
      BEGIN
        FOR i IN 1..250 LOOP
          PERFORM pg_stat_clear_snapshot(); -- else pg_stat_activity stays as it was at the first look
          SELECT count(*) INTO waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event = 'advisory';
          EXIT WHEN waiting >= ${PROCESSES - 1} OR EXISTS (SELECT FROM public.ddl_log);
          PERFORM pg_sleep(0.02);
        END LOOP;
        INSERT INTO public.ddl_log (pid, tag, identity, waiting)
        SELECT pg_backend_pid(), command_tag, object_identity, waiting FROM pg_event_trigger_ddl_commands();
      END $fn$;
      CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION public.log_ddl();`);
    try {
      const outcomes = await runConcurrently(PROCESSES, [database.url, schema]);
      for (const outcome of outcomes) expect(outcome).toMatchObject({ code: 0, result: { ok: true } });

      const versions = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version`);
      expect(versions.rows).toEqual([{ version: schemaVersion }]);
      // Each object was created once, all by one backend (each child has one connection), while the other
      // three waited on the migration lock; they found the schema migrated.
      const { rows: created } = await admin.query<{ object: string; pid: number; waiting: number }>(
        `SELECT tag || ' ' || identity AS object, pid, waiting FROM public.ddl_log
          WHERE tag LIKE 'CREATE %' AND (identity = $1 OR identity LIKE $1 || '.%') ORDER BY object`,
        [schema],
      );
      const objects = created.map((c) => c.object);
      expect(new Set(objects).size).toBe(objects.length);
      expect(objects).toEqual(
        expect.arrayContaining([
          `CREATE SCHEMA ${schema}`,
          `CREATE TABLE ${schema}.schema_version`,
          `CREATE TABLE ${schema}.events`,
          `CREATE TABLE ${schema}.streams`,
          `CREATE TABLE ${schema}.snapshots`,
          expect.stringMatching(new RegExp(`^CREATE FUNCTION ${schema}\\.append_batch\\(`)),
          expect.stringMatching(new RegExp(`^CREATE FUNCTION ${schema}\\.append_one\\(`)),
        ]),
      );
      expect(new Set(created.map((c) => c.pid)).size).toBe(1);
      expect(Math.max(...created.map((c) => c.waiting))).toBe(PROCESSES - 1);
      // And every process got a working store: one event each, positions 1 to 4.
      const events = await admin.query<{ position: string; stream_id: string }>(
        `SELECT position, stream_id FROM ${schema}.events ORDER BY position`,
      );
      expect(events.rows.map((r) => Number(r.position))).toEqual([1, 2, 3, 4]);
      expect(new Set(events.rows.map((r) => r.stream_id)).size).toBe(PROCESSES);
    } finally {
      await admin.query(
        'DROP EVENT TRIGGER log_ddl; DROP FUNCTION public.log_ddl(); DROP TABLE public.ddl_log',
      );
    }
  });

  test('a schema written by a newer version is refused with SchemaVersionError naming both versions', async () => {
    const schema = 'from_the_future';
    await (await PostgresEventStore.open(database.url, { schema, poolSize: 1 })).close();
    await admin.query(`UPDATE ${schema}.schema_version SET version = 999`);

    const error: unknown = await PostgresEventStore.open(database.url, { schema, poolSize: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toMatchObject({ foundVersion: 999, supportedVersion: schemaVersion });
    const { message } = error as SchemaVersionError;
    expect(message).toContain(`'${schema}'`);
    expect(message).toContain('999');
    expect(message).toContain(`up to ${schemaVersion}`);
    // Refusing changed nothing.
    const versions = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version`);
    expect(versions.rows).toEqual([{ version: 999 }]);
  });

  test('two schemas in one database are independent stores', async () => {
    const [a, b] = await Promise.all(
      ['tenant_a', 'tenant_b'].map((schema) =>
        PostgresEventStore.open(database.url, { schema, poolSize: 2 }),
      ),
    );
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await a!.append('shared-name', [
        { type: 'A', data: 1 },
        { type: 'A', data: 2 },
      ]);
      await b!.append('shared-name', [{ type: 'B', data: 1 }]);
      expect((await a!.readAll()).map((e) => [e.type, e.position])).toEqual([
        ['A', 1n],
        ['A', 2n],
      ]);
      expect((await b!.readAll()).map((e) => [e.type, e.position])).toEqual([['B', 1n]]);
      expect([await a!.streamVersion('shared-name'), await b!.streamVersion('shared-name')]).toEqual([2, 1]);

      // Each schema has its own append lock: an uncommitted append in tenant_a does not hold up tenant_b.
      await holder.query('BEGIN');
      const batch = [
        [{ streamId: 'held', expected: 'any', events: [{ id: 'held-1', type: 'A', metadata: '{}' }] }],
      ];
      await holder.query('SELECT tenant_a.append_batch($1::json)', [JSON.stringify(batch)]);
      const appended = await Promise.race([
        b!.append('not-held', [{ type: 'B', data: 2 }]).then(() => 'appended'),
        new Promise((resolve) => setTimeout(resolve, 5_000, 'blocked')),
      ]);
      expect(appended).toBe('appended');
      await holder.query('ROLLBACK');

      for (const schema of ['tenant_a', 'tenant_b']) {
        const { rows } = await admin.query<{ version: number }>(
          `SELECT version FROM ${schema}.schema_version`,
        );
        expect(rows).toEqual([{ version: schemaVersion }]);
      }
    } finally {
      await holder.end();
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  test('an invalid schema name is refused before anything is created', async () => {
    const schemasBefore = await schemaNames();
    for (const schema of [
      '',
      'bad-name',
      'x"; DROP SCHEMA public; --',
      '1starts_with_digit',
      'n'.repeat(64),
    ]) {
      await expect(PostgresEventStore.open(database.url, { schema })).rejects.toThrow(/invalid schema name/);
    }
    expect(await schemaNames()).toEqual(schemasBefore);
  });

  // The NOTIFY channels are named 'janus_appended_' / 'janus_progress_' + schema, and PostgreSQL keeps
  // names under 64 bytes: longer schema names are refused at open, and the longest allowed one works.
  test('a schema name longer than 48 characters is refused at open; 48 works', async () => {
    await expect(
      PostgresEventStore.open(database.url, { schema: 'n'.repeat(49), poolSize: 1 }),
    ).rejects.toThrow(/at most 48 characters/);
    const store = await PostgresEventStore.open(database.url, { schema: 'n'.repeat(48), poolSize: 1 });
    try {
      await store.append('long-schema', [{ type: 'T', data: null }]);
      expect(await store.head()).toBe(1n);
    } finally {
      await store.close();
    }
  });
});

async function schemaNames(): Promise<string[]> {
  const { rows } = await admin.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace ORDER BY nspname',
  );
  return rows.map((r) => r.nspname);
}

interface ChildOutcome {
  readonly code: number | null;
  readonly result: unknown;
  readonly stderr: string;
}

/** Starts `count` child processes, waits until all are loaded, then tells them all to go at once. */
async function runConcurrently(count: number, args: readonly string[]): Promise<ChildOutcome[]> {
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, [childScript, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let markReady: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.startsWith('ready\n')) markReady();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<ChildOutcome>((resolve) => {
      const timer = setTimeout(() => child.kill(), 20_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        const last = stdout.trim().split('\n').at(-1) ?? '';
        let result: unknown = last;
        try {
          result = JSON.parse(last);
        } catch {
          // not JSON: the raw line is the result, the test's expectation shows it
        }
        resolve({ code, result, stderr });
      });
    });
    return { child, ready, exited };
  });
  await Promise.race([
    Promise.all(children.map((c) => c.ready)),
    Promise.all(children.map((c) => c.exited)).then((outcomes) => {
      throw new Error(`child processes ended before they were ready: ${JSON.stringify(outcomes)}`);
    }),
  ]);
  for (const { child } of children) child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.exited));
}
