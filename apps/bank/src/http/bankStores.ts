// Where the bank keeps its events and read models: SQLite by default, PostgreSQL when DATABASE_URL is set
// (read models in READ_DATABASE_URL when that is set too).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EventStore, GlobalLog, ProjectionStore, ReadModels } from '@janus/core';
import { PostgresEventStore, PostgresProjectionStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { redactUrl, type BankConfig } from '../config.js';

export interface BankStores {
  /** The events: the write side, and the global log the projection runner follows. */
  readonly events: EventStore & GlobalLog;
  /** The read models and their checkpoints. */
  readonly readModels: ProjectionStore & ReadModels;
  /** For people: where the events and the read models are. */
  readonly description: string;
  /** Closes the read-model store (when it is separate), then the event store. */
  close(): Promise<void>;
}

export const SQLITE_FILE = 'bank.db';

/** Opens (creating or migrating as needed) the stores the configuration names. */
export async function openBankStores(
  config: Pick<BankConfig, 'dataDir' | 'databaseUrl' | 'readDatabaseUrl'>,
): Promise<BankStores> {
  let events: PostgresEventStore | SqliteEventStore;
  let where: string;
  if (config.databaseUrl) {
    events = await PostgresEventStore.open(config.databaseUrl);
    where = `PostgreSQL ${redactUrl(config.databaseUrl)}`;
  } else {
    await fs.mkdir(config.dataDir, { recursive: true });
    const sqlite = await SqliteEventStore.open(path.join(config.dataDir, SQLITE_FILE));
    events = sqlite;
    where = `SQLite ${sqlite.filename}`;
  }
  if (!config.readDatabaseUrl) {
    return {
      events,
      readModels: events.projections,
      description: `events and read models in ${where}`,
      close: () => events.close(),
    };
  }
  let readModels: PostgresProjectionStore;
  try {
    readModels = await PostgresProjectionStore.open(config.readDatabaseUrl);
  } catch (error) {
    await events.close();
    throw error;
  }
  return {
    events,
    readModels,
    description: `events in ${where}; read models in PostgreSQL ${redactUrl(config.readDatabaseUrl)}`,
    async close() {
      try {
        await readModels.close();
      } finally {
        await events.close();
      }
    },
  };
}
