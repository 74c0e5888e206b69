// Per-user read models: every user's events (newest first, by type), their totals, and their profile.
import { NotFoundError, projection, query, returns, type ReadModels, type RecordedEvent } from '@janus/core';
import { z } from 'zod';
import {
  integer,
  postgresProjection,
  sqliteProjection,
  type PortableSqlProjection,
  type SqlReader,
} from '../sql/portableSql.js';
import { EventType, UserId } from '../tracking/fields.js';
import { EventTracked, ProfileUpdated } from '../tracking/trackingEvents.js';

/** The event type that counts as a purchase in a user's summary. */
export const PURCHASE = 'purchase';

const handles = [EventTracked] as const;

export const USER_ACTIVITY = 'analytics.user-activity';

export const userActivityTables: PortableSqlProjection<typeof handles> = {
  name: USER_ACTIVITY,
  version: 1,
  handles,
  tables: ['user_events', 'user_totals'],
  setup: [
    // Keyed for "a user's events, newest first": a range read of one user's rows, backwards.
    `CREATE TABLE {user_events} (
       user_id TEXT NOT NULL, at_ms BIGINT NOT NULL, position BIGINT NOT NULL,
       event_id TEXT NOT NULL, event_type TEXT NOT NULL, at TEXT NOT NULL, properties TEXT NOT NULL,
       PRIMARY KEY (user_id, at_ms, position))`,
    `CREATE TABLE {user_totals} (
       user_id TEXT NOT NULL PRIMARY KEY, events BIGINT NOT NULL, purchases BIGINT NOT NULL,
       last_ms BIGINT NOT NULL, last_at TEXT NOT NULL)`,
  ],
  apply: (event: RecordedEvent<ReturnType<typeof EventTracked>>) => {
    const { userId, eventType, at, properties } = event.data;
    const ms = Date.parse(at);
    return [
      {
        sql: `INSERT INTO {user_events} (user_id, at_ms, position, event_id, event_type, at, properties)
              VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        params: [userId, ms, event.position, event.id, eventType, at, JSON.stringify(properties)],
      },
      {
        sql: `INSERT INTO {user_totals} AS t (user_id, events, purchases, last_ms, last_at)
              VALUES ($1, 1, $2, $3, $4)
              ON CONFLICT (user_id) DO UPDATE SET
                events = t.events + 1,
                purchases = t.purchases + excluded.purchases,
                last_at = CASE WHEN excluded.last_ms > t.last_ms THEN excluded.last_at ELSE t.last_at END,
                last_ms = CASE WHEN excluded.last_ms > t.last_ms THEN excluded.last_ms ELSE t.last_ms END`,
        params: [userId, eventType === PURCHASE ? 1 : 0, ms, at],
      },
    ];
  },
};

export const userActivityForSqlite = sqliteProjection(userActivityTables);
export const userActivityForPostgres = postgresProjection(userActivityTables);

export interface Profile {
  readonly userId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
}

/** Profiles: attributes merged, update by update (a null value removes the attribute). */
export const profiles = projection({
  name: 'analytics.profiles',
  version: 1,
  handles: [ProfileUpdated],
  id: (e) => e.data.userId,
  apply: (doc: Profile | undefined, e) => {
    const merged = Object.entries({ ...doc?.attributes, ...e.data.attributes });
    const attributes = Object.fromEntries(merged.filter(([, value]) => value !== null));
    return { userId: e.data.userId, attributes, updatedAt: e.data.at };
  },
});

export interface UserEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly timestamp: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export const ListUserEvents = query(
  'analytics.ListUserEvents',
  z.object({ userId: UserId, eventType: EventType.optional(), limit: z.number().int().min(1).max(1000) }),
  returns<{ readonly userId: string; readonly items: readonly UserEvent[] }>(),
);

export interface UserSummary {
  readonly userId: string;
  readonly profile: Readonly<Record<string, unknown>>;
  readonly eventCount: number;
  readonly purchases: number;
  /** The latest event's timestamp; null when the user has only a profile. */
  readonly lastActivity: string | null;
}

export const GetUserSummary = query(
  'analytics.GetUserSummary',
  z.object({ userId: UserId }),
  returns<UserSummary>(),
);

export interface UserQueryDeps {
  readonly sql: SqlReader;
  readonly readModels: ReadModels;
}

export async function listUserEvents(
  { sql }: UserQueryDeps,
  data: { userId: string; eventType?: string | undefined; limit: number },
): Promise<{ userId: string; items: UserEvent[] }> {
  const rows =
    data.eventType === undefined
      ? await sql.rows(
          USER_ACTIVITY,
          `SELECT event_id, event_type, at, properties FROM {user_events}
            WHERE user_id = $1 ORDER BY at_ms DESC, position DESC LIMIT $2`,
          [data.userId, data.limit],
        )
      : await sql.rows(
          USER_ACTIVITY,
          `SELECT event_id, event_type, at, properties FROM {user_events}
            WHERE user_id = $1 AND event_type = $2 ORDER BY at_ms DESC, position DESC LIMIT $3`,
          [data.userId, data.eventType, data.limit],
        );
  return {
    userId: data.userId,
    items: rows.map((row) => ({
      eventId: String(row.event_id),
      eventType: String(row.event_type),
      timestamp: String(row.at),
      properties: JSON.parse(String(row.properties)) as Record<string, unknown>,
    })),
  };
}

export async function getUserSummary(
  { sql, readModels }: UserQueryDeps,
  data: { userId: string },
): Promise<UserSummary> {
  const profile = await readModels.documents(profiles).get(data.userId);
  const [totals] = await sql.rows(
    USER_ACTIVITY,
    `SELECT events, purchases, last_at FROM {user_totals} WHERE user_id = $1`,
    [data.userId],
  );
  if (!profile && !totals) throw new NotFoundError(`user '${data.userId}' has no events and no profile`);
  return {
    userId: data.userId,
    profile: profile?.attributes ?? {},
    eventCount: integer(totals?.events),
    purchases: integer(totals?.purchases),
    lastActivity: totals ? String(totals.last_at) : null,
  };
}
