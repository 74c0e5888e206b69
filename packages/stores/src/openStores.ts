import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  EventStore,
  GlobalLog,
  IdempotencyKeyStore,
  KeySecretStore,
  Projection,
  ProjectionStore,
  ReadModels,
  SnapshotStore,
  StreamIndex,
} from '@janus/core';
import { PostgresEventStore, PostgresProjectionStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { redactUrl } from './redactUrl.js';

export interface StoresOptions {
  /** PostgreSQL for the events; without it, SQLite in `sqliteFile`. */
  readonly databaseUrl?: string | undefined;
  /** PostgreSQL for the read models and their checkpoints, when apart from the events. */
  readonly readDatabaseUrl?: string | undefined;
  /** The SQLite file, when no database URL is given; its folder is created when missing. */
  readonly sqliteFile: string;
  /** The PostgreSQL schema (default 'janus'). */
  readonly schema?: string;
  /** Projections applied in each append's own transaction (they live with the events). */
  readonly inlineProjections?: readonly Projection[];
}

export interface Stores {
  /** The events: the write side, and the global log that projection runners follow. */
  readonly events: EventStore &
    GlobalLog &
    StreamIndex &
    SnapshotStore &
    IdempotencyKeyStore &
    KeySecretStore;
  /** The read models and their checkpoints. */
  readonly readModels: ProjectionStore & ReadModels;
  /** For people: where the events and the read models are (passwords left out). */
  readonly description: string;
  /** What opening changed that the operator should know (SQLite files made private): log them. */
  readonly notices: readonly string[];
  /** Closes the read-model store (when it is apart), then the event store. */
  close(): Promise<void>;
}

/** Opens (creating or migrating as needed) the stores a service's configuration names. */
export async function openStores(options: StoresOptions): Promise<Stores> {
  const common = {
    ...(options.inlineProjections ? { inlineProjections: options.inlineProjections } : {}),
  };
  let events: PostgresEventStore | SqliteEventStore;
  let where: string;
  if (options.databaseUrl) {
    events = await PostgresEventStore.open(options.databaseUrl, {
      ...common,
      schema: options.schema ?? 'janus',
    });
    where = `PostgreSQL ${redactUrl(options.databaseUrl)}`;
  } else {
    // Private like the files in it (the API keys, the key secret file of older versions).
    await fs.mkdir(path.dirname(options.sqliteFile), { recursive: true, mode: 0o700 });
    events = await SqliteEventStore.open(options.sqliteFile, common);
    where = `SQLite ${events.filename}`;
  }
  const notices = events instanceof SqliteEventStore ? events.notices : [];
  if (!options.readDatabaseUrl) {
    return {
      events,
      readModels: events.projections,
      description: `events and read models in ${where}`,
      notices,
      close: () => events.close(),
    };
  }
  let readModels: PostgresProjectionStore;
  try {
    readModels = await PostgresProjectionStore.open(options.readDatabaseUrl, {
      schema: options.schema ?? 'janus',
    });
  } catch (error) {
    await events.close();
    throw error;
  }
  return {
    events,
    readModels,
    description: `events in ${where}; read models in PostgreSQL ${redactUrl(options.readDatabaseUrl)}`,
    notices,
    async close() {
      try {
        await readModels.close();
      } finally {
        await events.close();
      }
    },
  };
}
