// The analytics HTTP API: tracking (one event, a batch), profiles, and the queries.
import { commandRoute, jsonPosition, queryRoute } from '@janus/http';
import { z } from 'zod';
import { batchIdOf } from './batchIdOf.js';
import { EVENT_STATS, GetEventStatistics, GetTopEventTypes } from '../statistics/eventStats.js';
import { EventType, MinuteBound, Properties, UserId } from '../tracking/fields.js';
import { EVENT_ID_REUSED, MAX_BATCH, TrackEvents, TrackInput, UpdateProfile } from '../tracking/tracking.js';
import { GetUserSummary, ListUserEvents, USER_ACTIVITY, profiles } from '../users/userActivity.js';

/** `?limit=`: a whole number from 1 to `max`, written plainly. */
const limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .refine((n) => n <= max, `must be a whole number from 1 to ${max}`)
    .optional()
    .transform((n) => n ?? fallback);

const Position = z.number().int().meta({ description: 'Global log position of the last event written' });
const TrackedAnswer = z.object({ eventIds: z.array(z.string()), position: Position });
const range = {
  from: MinuteBound.optional().meta({ description: 'Start (inclusive), a whole minute, ISO 8601' }),
  to: MinuteBound.optional().meta({ description: 'End (exclusive), a whole minute, ISO 8601' }),
};
const ordered = (r: { from?: number | undefined; to?: number | undefined }): boolean =>
  r.from === undefined || r.to === undefined || r.from < r.to;
const RANGE_ERROR = { error: 'from must be before to', path: ['to'] };
const REUSED =
  'The same events again (same ids, same content) answer the first result and write nothing; an event id ' +
  'sent before with other content, or in another batch, is a 409 `event-id-reused` and writes nothing: ' +
  'an id names one event, so a changed event under an old id is a client bug to surface, not data to drop.';
const Instant = z.string().meta({ format: 'date-time' });

export const analyticsRoutes = [
  commandRoute({
    url: '/events',
    command: TrackEvents,
    body: TrackInput,
    status: 201,
    tags: ['tracking'],
    summary: 'Track one event',
    description:
      '`properties` is any JSON object (default {}); `timestamp` (ISO 8601) defaults to when the server ' +
      'received it; `eventId` (a UUID) makes a retry a no-op, else one is made (the same on a retry ' +
      'with the same Idempotency-Key). ' +
      REUSED,
    errors: [EVENT_ID_REUSED],
    response: TrackedAnswer,
    toData: ({ body, messageId }) => ({ batchId: batchIdOf([body], messageId), events: [body] }),
    toResponse: (result) => ({
      body: { eventIds: result.eventIds, position: jsonPosition(result.position) },
    }),
  }),
  commandRoute({
    url: '/events/batch',
    command: TrackEvents,
    body: z.object({ events: z.array(TrackInput).min(1).max(MAX_BATCH) }),
    status: 201,
    tags: ['tracking'],
    summary: `Track a batch of 1 to ${MAX_BATCH} events`,
    description:
      'Every event as in POST /events; the batch is written in one append, all or nothing. Over ' +
      `${MAX_BATCH} events is a 400. Event ids must be unique within a batch (else a 400). ` +
      REUSED,
    errors: [EVENT_ID_REUSED],
    response: TrackedAnswer,
    toData: ({ body, messageId }) => ({ batchId: batchIdOf(body.events, messageId), events: body.events }),
    toResponse: (result) => ({
      body: { eventIds: result.eventIds, position: jsonPosition(result.position) },
    }),
  }),
  commandRoute({
    method: 'PATCH',
    url: '/users/:userId/profile',
    command: UpdateProfile,
    params: z.object({ userId: UserId }),
    body: z.object({ attributes: Properties }),
    tags: ['users'],
    summary: "Update a user's profile",
    description: 'The attributes are merged into the profile; a null value removes that attribute.',
    response: z.object({ position: Position }),
    toData: ({ params, body }) => ({ userId: params.userId, attributes: body.attributes }),
  }),
  queryRoute({
    url: '/users/:userId/events',
    query: ListUserEvents,
    params: z.object({ userId: UserId }),
    querystring: z.object({
      type: EventType.optional(),
      limit: limit(1000, 50),
      cursor: z.string().max(200, 'is not a cursor this service made').optional(),
    }),
    projections: [USER_ACTIVITY, profiles.name],
    tags: ['users'],
    summary: "A user's events, newest first (by timestamp), a page at a time",
    description:
      '`type` keeps one event type; `limit` 1 to 1000, default 50. Pass `nextCursor` as `cursor` for the ' +
      'next (older) page; it is null on the last page. 404 for a user with no event and no profile.',
    response: z.object({
      userId: z.string(),
      items: z.array(
        z.object({
          eventId: z.string(),
          eventType: z.string(),
          timestamp: Instant,
          properties: z.record(z.string(), z.unknown()),
        }),
      ),
      nextCursor: z.string().nullable(),
    }),
    toData: ({ params, query }) => ({
      userId: params.userId,
      eventType: query.type,
      limit: query.limit,
      cursor: query.cursor,
    }),
  }),
  queryRoute({
    url: '/users/:userId/summary',
    query: GetUserSummary,
    params: z.object({ userId: UserId }),
    projections: [USER_ACTIVITY, profiles.name],
    tags: ['users'],
    summary: "A user's profile, event count, purchases and last activity",
    description: '`purchases` counts events of type `purchase`. 404 for a user with no event and no profile.',
    response: z.object({
      userId: z.string(),
      profile: z.record(z.string(), z.unknown()),
      eventCount: z.number().int(),
      purchases: z.number().int(),
      lastActivity: Instant.nullable(),
    }),
    toData: ({ params }) => ({ userId: params.userId }),
  }),
  queryRoute({
    url: '/stats/events/:eventType',
    query: GetEventStatistics,
    params: z.object({ eventType: EventType }),
    querystring: z.strictObject(range).refine(ordered, RANGE_ERROR),
    projections: [EVENT_STATS],
    tags: ['statistics'],
    summary: 'Count and unique users of an event type over [from, to)',
    description:
      'From per-minute read models: `from` and `to` are whole minutes (else 400), either may be left out. ' +
      'An event counts when from <= timestamp < to.',
    response: z.object({
      eventType: z.string(),
      from: Instant.nullable(),
      to: Instant.nullable(),
      count: z.number().int(),
      uniqueUsers: z.number().int(),
    }),
    toData: ({ params, query }) => ({ eventType: params.eventType, from: query.from, to: query.to }),
  }),
  queryRoute({
    url: '/stats/top',
    query: GetTopEventTypes,
    querystring: z.strictObject({ ...range, limit: limit(100, 10) }).refine(ordered, RANGE_ERROR),
    projections: [EVENT_STATS],
    tags: ['statistics'],
    summary: 'The event types with the most events over [from, to)',
    description: 'Most events first, ties by type; `limit` 1 to 100, default 10. Range as for /stats/events.',
    response: z.object({
      from: Instant.nullable(),
      to: Instant.nullable(),
      items: z.array(z.object({ eventType: z.string(), count: z.number().int() })),
    }),
    toData: ({ query }) => ({ from: query.from, to: query.to, limit: query.limit }),
  }),
];
