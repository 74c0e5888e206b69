// Statistics of event types from pre-aggregated read models (see the README): counts per (type, minute)
// and the presence of each user per (type, minute). A query reads buckets in its range, never raw events.
import { query, returns, type RecordedEvent } from '@janus/core';
import { z } from 'zod';
import {
  postgresProjection,
  sqliteProjection,
  integer,
  type PortableSqlProjection,
  type SqlReader,
} from '../sql/portableSql.js';
import { EventType, minuteOf } from '../tracking/fields.js';
import { EventTracked } from '../tracking/trackingEvents.js';

const handles = [EventTracked] as const;

export const EVENT_STATS = 'analytics.event-stats';

export const eventStatsTables: PortableSqlProjection<typeof handles> = {
  name: EVENT_STATS,
  version: 1,
  handles,
  tables: ['type_minutes', 'minute_types', 'type_minute_users'],
  setup: [
    // Events per (type, minute): a type's count over a range reads one bucket per minute.
    `CREATE TABLE {type_minutes} (
       event_type TEXT NOT NULL, minute BIGINT NOT NULL, events BIGINT NOT NULL,
       PRIMARY KEY (event_type, minute))`,
    // The same counts by (minute, type): the top types of a range read the range's buckets.
    `CREATE TABLE {minute_types} (
       minute BIGINT NOT NULL, event_type TEXT NOT NULL, events BIGINT NOT NULL,
       PRIMARY KEY (minute, event_type))`,
    // Who did a type in a minute (once per user, however many events): exact unique users over a range.
    `CREATE TABLE {type_minute_users} (
       event_type TEXT NOT NULL, minute BIGINT NOT NULL, user_id TEXT NOT NULL,
       PRIMARY KEY (event_type, minute, user_id))`,
  ],
  apply: (event: RecordedEvent<ReturnType<typeof EventTracked>>) => {
    const { eventType, userId, at } = event.data;
    const minute = minuteOf(Date.parse(at));
    return [
      {
        sql: `INSERT INTO {type_minutes} AS b (event_type, minute, events) VALUES ($1, $2, 1)
              ON CONFLICT (event_type, minute) DO UPDATE SET events = b.events + 1`,
        params: [eventType, minute],
      },
      {
        sql: `INSERT INTO {minute_types} AS b (minute, event_type, events) VALUES ($1, $2, 1)
              ON CONFLICT (minute, event_type) DO UPDATE SET events = b.events + 1`,
        params: [minute, eventType],
      },
      {
        sql: `INSERT INTO {type_minute_users} (event_type, minute, user_id) VALUES ($1, $2, $3)
              ON CONFLICT DO NOTHING`,
        params: [eventType, minute, userId],
      },
    ];
  },
};

export const eventStatsForSqlite = sqliteProjection(eventStatsTables);
export const eventStatsForPostgres = postgresProjection(eventStatsTables);

/** A range [from, to) in epoch ms, both optional, both whole minutes. */
const Range = { from: z.number().int().optional(), to: z.number().int().optional() };

export interface EventStatistics {
  readonly eventType: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly count: number;
  readonly uniqueUsers: number;
}

export const GetEventStatistics = query(
  'analytics.GetEventStatistics',
  z.object({ eventType: EventType, ...Range }),
  returns<EventStatistics>(),
);

export interface TopEventTypes {
  readonly from: string | null;
  readonly to: string | null;
  readonly items: readonly { readonly eventType: string; readonly count: number }[];
}

export const GetTopEventTypes = query(
  'analytics.GetTopEventTypes',
  z.object({ ...Range, limit: z.number().int().min(1).max(100) }),
  returns<TopEventTypes>(),
);

const bounds = (from: number | undefined, to: number | undefined): [number, number] => [
  from === undefined ? Number.MIN_SAFE_INTEGER : minuteOf(from),
  to === undefined ? Number.MAX_SAFE_INTEGER : minuteOf(to),
];
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export async function getEventStatistics(
  sql: SqlReader,
  data: { eventType: string; from?: number | undefined; to?: number | undefined },
): Promise<EventStatistics> {
  const [from, to] = bounds(data.from, data.to);
  const [counts] = await sql.rows(
    EVENT_STATS,
    `SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS total FROM {type_minutes}
      WHERE event_type = $1 AND minute >= $2 AND minute < $3`,
    [data.eventType, from, to],
  );
  const [users] = await sql.rows(
    EVENT_STATS,
    `SELECT COUNT(DISTINCT user_id) AS users FROM {type_minute_users}
      WHERE event_type = $1 AND minute >= $2 AND minute < $3`,
    [data.eventType, from, to],
  );
  return {
    eventType: data.eventType,
    from: iso(data.from),
    to: iso(data.to),
    count: integer(counts?.total),
    uniqueUsers: integer(users?.users),
  };
}

export async function getTopEventTypes(
  sql: SqlReader,
  data: { from?: number | undefined; to?: number | undefined; limit: number },
): Promise<TopEventTypes> {
  const [from, to] = bounds(data.from, data.to);
  const rows = await sql.rows(
    EVENT_STATS,
    `SELECT event_type, CAST(SUM(events) AS BIGINT) AS total FROM {minute_types}
      WHERE minute >= $1 AND minute < $2 GROUP BY event_type`,
    [from, to],
  );
  // Ties are ordered by type in code, the same on both stores (their collations differ).
  const items = rows
    .map((row) => ({ eventType: String(row.event_type), count: integer(row.total) }))
    .sort((a, b) => b.count - a.count || (a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0))
    .slice(0, data.limit);
  return { from: iso(data.from), to: iso(data.to), items };
}
