// Where the analytics service keeps its events and read models: SQLite by default (in the data folder),
// PostgreSQL when DATABASE_URL is set. The SQL read models are declared once and run on either.
import path from 'node:path';
import type {
  EventStore,
  GlobalLog,
  IdempotencyKeyStore,
  KeySecretStore,
  ProjectionStore,
  Projection,
  ReadModels,
} from '@janus/core';
import { PostgresEventStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { openStores } from '@janus/stores';
import { analyticsProjections } from '../analytics.js';
import type { AnalyticsConfig } from '../config.js';
import { postgresReader, sqliteReader, type SqlReader } from '../sql/portableSql.js';

export interface AnalyticsStores {
  readonly events: EventStore & GlobalLog & IdempotencyKeyStore & KeySecretStore;
  readonly readModels: ProjectionStore & ReadModels;
  /** Queries over the SQL read models. */
  readonly sql: SqlReader;
  /** The read models, in the SQL dialect of this store. */
  readonly projections: readonly Projection[];
  readonly description: string;
  /** What opening changed that the operator should know: log them. */
  readonly notices: readonly string[];
  close(): Promise<void>;
}

export const SQLITE_FILE = 'analytics.db';

/** Opens (creating or migrating as needed) the store the configuration names, with its SQL dialect. */
export async function openAnalyticsStores(
  config: Pick<AnalyticsConfig, 'dataDir' | 'databaseUrl'>,
): Promise<AnalyticsStores> {
  const stores = await openStores({
    sqliteFile: path.join(config.dataDir, SQLITE_FILE),
    databaseUrl: config.databaseUrl,
  });
  // Read models live with the events here (no READ_DATABASE_URL): their store is the event store's.
  const { events } = stores;
  if (events instanceof SqliteEventStore) {
    return { ...stores, sql: sqliteReader(events.projections), projections: analyticsProjections('sqlite') };
  }
  if (events instanceof PostgresEventStore) {
    return {
      ...stores,
      sql: postgresReader(events.projections),
      projections: analyticsProjections('postgres'),
    };
  }
  throw new Error('an event store of neither SQLite nor PostgreSQL');
}
