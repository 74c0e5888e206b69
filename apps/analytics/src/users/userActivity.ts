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
import { decodeEventCursor, encodeEventCursor } from './eventCursor.js';
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

export interface UserEventPage {
  readonly userId: string;
  /** Newest first (by timestamp, then log position). */
  readonly items: readonly UserEvent[];
  /** Pass it as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export const ListUserEvents = query(
  'analytics.ListUserEvents',
  z.object({
    userId: UserId,
    eventType: EventType.optional(),
    limit: z.number().int().min(1).max(1000),
    cursor: z.string().optional(),
  }),
  returns<UserEventPage>(),
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

/**
 * One page of a user's events, newest first: the events after the cursor's place in that order. Keyset
 * paging on the table's key, so a page costs the same however deep it is.
 */
export async function listUserEvents(
  deps: UserQueryDeps,
  data: { userId: string; eventType?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<UserEventPage> {
  const before = data.cursor === undefined ? undefined : decodeEventCursor(data.cursor);
  const where = ['user_id = $1'];
  const params: unknown[] = [data.userId];
  if (data.eventType !== undefined) {
    params.push(data.eventType);
    where.push(`event_type = $${params.length}`);
  }
  if (before !== undefined) {
    params.push(before.atMs, before.position);
    where.push(`(at_ms, position) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(data.limit + 1);
  const rows = await deps.sql.rows(
    USER_ACTIVITY,
    `SELECT at_ms, position, event_id, event_type, at, properties FROM {user_events}
      WHERE ${where.join(' AND ')} ORDER BY at_ms DESC, position DESC LIMIT $${params.length}`,
    params,
  );
  if (rows.length === 0 && before === undefined) await requireUser(deps, data.userId);
  const page = rows.slice(0, data.limit);
  const last = page.at(-1);
  return {
    userId: data.userId,
    items: page.map((row) => ({
      eventId: String(row.event_id),
      eventType: String(row.event_type),
      timestamp: String(row.at),
      properties: JSON.parse(String(row.properties)) as Record<string, unknown>,
    })),
    nextCursor:
      rows.length > data.limit && last
        ? encodeEventCursor({ atMs: integer(last.at_ms), position: integer(last.position) })
        : null,
  };
}

/** A user is known by an event or a profile; else NotFoundError. */
async function requireUser({ sql, readModels }: UserQueryDeps, userId: string): Promise<void> {
  const [totals] = await sql.rows(USER_ACTIVITY, `SELECT 1 AS known FROM {user_totals} WHERE user_id = $1`, [
    userId,
  ]);
  if (totals) return;
  if (await readModels.documents(profiles).get(userId)) return;
  throw new NotFoundError(`user '${userId}' has no events and no profile`);
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
