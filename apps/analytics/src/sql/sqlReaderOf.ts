import type { EventStore } from '@janus/core';
import { PostgresEventStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { postgresReader, sqliteReader, type SqlReader } from './portableSql.js';

/** Queries over the SQL read models of an event store's own projection store, in its dialect. */
export function sqlReaderOf(events: EventStore): SqlReader {
  if (events instanceof SqliteEventStore) return sqliteReader(events.projections);
  if (events instanceof PostgresEventStore) return postgresReader(events.projections);
  throw new Error('an event store of neither SQLite nor PostgreSQL');
}
