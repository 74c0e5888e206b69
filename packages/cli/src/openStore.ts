import fs from 'node:fs/promises';
import {
  loadDriver,
  type Closeable,
  type EventStore,
  type GlobalLog,
  type ProjectionStore,
  type StreamIndex,
} from '@janus/core';
import { CliError, exitCodes, usageError } from './cliError.js';

/** The global options that say which store to open. */
export interface StoreOptions {
  /** An SQLite file; it must exist. */
  readonly db?: string | undefined;
  /** A PostgreSQL connection URL. */
  readonly url?: string | undefined;
  /** The PostgreSQL schema of the store (default 'janus'). */
  readonly schema?: string | undefined;
}

/** What the CLI needs of a store: streams, the global log, and the projections' records. */
export type CliStore = EventStore &
  GlobalLog &
  StreamIndex &
  Closeable & { readonly projections: ProjectionStore };

/** Opens the store the options name; the one place that knows the kinds of store. */
export async function openStore(options: StoreOptions): Promise<CliStore> {
  if (options.url !== undefined && options.db !== undefined) {
    throw usageError('give either --db or --url, not both');
  }
  if (options.url !== undefined) {
    // The drivers are optional peer dependencies: only the one asked for is loaded.
    const { PostgresEventStore } = await loadDriver(
      '@janus/postgres',
      '--url',
      () => import('@janus/postgres'),
    );
    return PostgresEventStore.open(options.url, { schema: options.schema ?? 'janus', poolSize: 2 });
  }
  if (options.db === undefined) {
    throw usageError('missing --db <file>: the SQLite database of the application (see janus --help)');
  }
  await assertSqliteFile(options.db);
  const { SqliteEventStore } = await loadDriver('@janus/sqlite', '--db', () => import('@janus/sqlite'));
  return SqliteEventStore.open(options.db, { mustExist: true });
}

/** Opens the store, runs `work` with it, and closes it whatever happens. */
export async function withStore<T>(options: StoreOptions, work: (store: CliStore) => Promise<T>): Promise<T> {
  try {
    const store = await openStore(options);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  } catch (error) {
    throw explain(error);
  }
}

/** A store error an operator can act on, said plainly. */
function explain(error: unknown): unknown {
  if (error instanceof Error && (error as { code?: unknown }).code === 'SQLITE_BUSY') {
    return new CliError(
      `the database is locked by another process (a busy writer, or a long transaction): try again (${error.message})`,
      exitCodes.failure,
      { cause: error },
    );
  }
  return error;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opening an SQLite file creates it when missing: an operator's typo must not make a new, empty
 * database (which would then show no streams and no projections, as if all were lost). So the file must
 * exist and be an SQLite database before the store opens it.
 */
async function assertSqliteFile(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`no such database file: ${file}`);
    if (code === 'EISDIR') throw new CliError(`${file} is a directory, not a database file`);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CliError(`${file} is not a database file`);
    if (stat.size === 0) throw new CliError(`${file} is empty, not a janus database`);
    const header = Buffer.alloc(SQLITE_HEADER.length);
    await handle.read(header, 0, header.length, 0);
    if (!header.equals(SQLITE_HEADER)) throw new CliError(`${file} is not an SQLite database`);
  } finally {
    await handle.close();
  }
}
