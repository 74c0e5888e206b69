// The analytics stores outside the service (the ingestion benchmark): SQLite by default (in the data
// folder), PostgreSQL when DATABASE_URL is set. The SQL read models are declared once and run on either.
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
import { openStores } from '@janus/service';
import { analyticsProjections } from '../analytics.js';
import { analyticsService } from '../service.js';
import type { SqlReader } from '../sql/portableSql.js';
import { sqlReaderOf } from '../sql/sqlReaderOf.js';

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

/** Opens (creating or migrating as needed) the store the configuration names, with its SQL dialect. */
export async function openAnalyticsStores(config: {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
}): Promise<AnalyticsStores> {
  const stores = await openStores({
    sqliteFile: path.join(config.dataDir, analyticsService.env.sqliteFile),
    databaseUrl: config.databaseUrl,
  });
  // Read models live with the events here (no READ_DATABASE_URL): their store is the event store's.
  return { ...stores, sql: sqlReaderOf(stores.events), projections: analyticsProjections(stores.kind) };
}
