// Schema creation and migration: several processes opening one fresh schema at once migrate it once;
// a schema of the pre-1.0 migration chain is upgraded to exactly the baseline's schema, its data kept; a
// schema written by newer code is refused; schemas in one database are independent; bad names refused.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaVersionError } from '@janus/core';
import { preReleaseMigrations } from '@janus/test-support/postgresPreReleaseChain';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listSchema, migrate } from './migrate.js';
import { baseline, schemaVersion } from './migrations.js';
import { createPool } from './pool.js';
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

  test('a schema at any version of the pre-1.0 chain is upgraded to exactly the baseline, its data kept', async () => {
    expect(schemaVersion).toBe(baseline.version);
    await (await PostgresEventStore.open(database.url, { schema: 'fresh', poolSize: 1 })).close();
    const fresh = await schemaDump('fresh');
    expect(fresh.functions.map((f) => f.split('(')[0])).toEqual([
      'append_batch',
      'append_one',
      'expected_version_holds',
    ]);

    for (let version = 1; version <= preReleaseMigrations.length; version++) {
      const schema = `chain_v${version}`;
      // As the code of that version left it: its migrations, then an event its append function wrote.
      const pool = createPool(database.url, { max: 1 });
      try {
        await migrate(pool, schema, listSchema(preReleaseMigrations.slice(0, version), 'schema_version'));
        await pool.query(oldAppend(version, schema));
      } finally {
        await pool.end();
      }
      expect(await schemaDump(schema)).not.toEqual(fresh);

      const store = await PostgresEventStore.open(database.url, { schema, poolSize: 1 });
      try {
        const { rows } = await admin.query<{ version: number }>(
          `SELECT version FROM ${schema}.schema_version`,
        );
        expect(rows, schema).toEqual([{ version: schemaVersion }]);
        expect(await schemaDump(schema), schema).toEqual(fresh);
        // The old event is there, a replay of it is answered as its append was, and appends go on.
        expect((await store.readStream('acc')).map((e) => [e.id, e.version, e.data])).toEqual([
          ['old-1', 1, { amount: 1 }],
        ]);
        const replay = await store.append('acc', [{ id: 'old-1', type: 'Deposited', data: { amount: 1 } }]);
        expect(replay).toEqual({ streamId: 'acc', version: 1, position: 1n });
        const next = await store.append('acc', [{ type: 'Deposited', data: { amount: 2 } }], {
          expectedVersion: 1,
        });
        expect(next).toEqual({ streamId: 'acc', version: 2, position: 2n });
      } finally {
        await store.close();
      }
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
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('janus.append:tenant_a'))`);
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

/**
 * An append of one event through the append function of a chain version: json (1-3), arrays (4-5), arrays
 * with key records (6), with the stream versions read (7-8).
 */
function oldAppend(version: number, schema: string): string {
  if (version <= 3) {
    const batch = [
      [
        {
          streamId: 'acc',
          expected: 'no_stream',
          events: [{ id: 'old-1', type: 'Deposited', data: '{"amount":1}', metadata: '{}' }],
        },
      ],
    ];
    return `SELECT ${schema}.append_batch('${JSON.stringify(batch)}'::json)`;
  }
  const arrays = `'{1}', '{acc}', '{no_stream}', '{1}', '{1}', '{old-1}', '{Deposited}', '{"{\\"amount\\":1}"}', '{"{}"}'`;
  if (version <= 5) return `SELECT ${schema}.append_batch(${arrays})`;
  const keys = `'{}'::int[], '{}'::text[], '{}'::text[], '{}'::text[], '{}'::text[], '{}'::text[], '{}'::timestamptz[]`;
  if (version === 6) return `SELECT ${schema}.append_batch(${arrays}, ${keys})`;
  return `SELECT ${schema}.append_batch(${arrays}, ${keys}, '{}'::text[], 0)`;
}

/**
 * What a schema is made of, with its own name taken out: the columns of its tables, their constraints
 * and indexes, and its functions with their arguments, settings and bodies.
 */
async function schemaDump(schema: string) {
  // Its name appears quoted, as a prefix, in the append lock's key and in the channel's name.
  const anonymous = (text: string | null) => text?.replaceAll(schema, 'S');
  const columns = await admin.query<Record<string, string | number | null>>(
    `SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default, collation_name
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const constraints = await admin.query<{ relname: string; conname: string; def: string }>(
    `SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relnamespace = $1::regnamespace ORDER BY c.relname, k.conname`,
    [schema],
  );
  const indexes = await admin.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`,
    [schema],
  );
  const functions = await admin.query<{
    signature: string;
    result: string;
    config: string[] | null;
    body: string;
  }>(
    `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
            pg_get_function_result(p.oid) AS result, p.proconfig AS config, p.prosrc AS body
       FROM pg_proc p WHERE p.pronamespace = $1::regnamespace ORDER BY signature`,
    [schema],
  );
  return {
    columns: columns.rows.map((c) => ({
      ...c,
      column_default: anonymous(c.column_default as string | null),
    })),
    constraints: constraints.rows,
    indexes: indexes.rows.map((i) => ({ ...i, indexdef: anonymous(i.indexdef) })),
    functions: functions.rows.map(
      (f) => `${f.signature} ${f.result} ${String(f.config)} ${anonymous(f.body)}`,
    ),
  };
}

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
