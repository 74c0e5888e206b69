// Ingestion: tracking events (one or a batch) and updating user profiles. No invariant spans events, so
// there is no decider to fold: a batch is ONE multi-row append to a stream of its own (group commit
// batches concurrent appends further), and events carry ids, so a retried batch is a no-op.
import { createHash } from 'node:crypto';
import { DomainError, command, isValidationError, returns, type EventStore } from '@janus/core';
import { z } from 'zod';
import { EventType, Properties, Timestamp, UserId } from './fields.js';
import { EventTracked, ProfileUpdated, batchStream, userStream } from './trackingEvents.js';

/** At most this many events in one batch. */
export const MAX_BATCH = 1000;

/** One event as a client sends it; `eventId` makes retries idempotent, `timestamp` defaults to now. */
export const TrackInput = z.strictObject({
  eventId: z.uuid({ error: 'must be a UUID' }).optional(),
  userId: UserId,
  eventType: EventType,
  properties: Properties.default({}),
  timestamp: Timestamp.optional(),
});
export type TrackInput = z.output<typeof TrackInput>;

export interface Tracked {
  readonly eventIds: readonly string[];
  /** Global log position of the batch's last event: a query can wait for it (X-Min-Position). */
  readonly position: bigint;
}

function uniqueEventIds(events: readonly TrackInput[]): boolean {
  const ids = events.flatMap((e) => (e.eventId === undefined ? [] : [e.eventId]));
  return new Set(ids).size === ids.length;
}

/** 409: an event id the store holds already, with other content or from another batch. Nothing was written. */
export const EVENT_ID_REUSED = 'event-id-reused';

export const TrackEvents = command(
  'analytics.TrackEvents',
  z.object({
    /** Names the batch's stream; the HTTP edge derives it from the request (and its Idempotency-Key). */
    batchId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    events: z
      .array(TrackInput)
      .min(1, { error: 'must hold at least one event' })
      .max(MAX_BATCH, { error: `must hold at most ${MAX_BATCH} events` })
      .refine(uniqueEventIds, { error: 'must not hold one event id twice' }),
  }),
  returns<Tracked>(),
);

export const UpdateProfile = command(
  'analytics.UpdateProfile',
  z.object({
    userId: UserId,
    attributes: Properties.refine((a) => Object.keys(a).length > 0, {
      error: 'must hold at least one attribute',
    }),
  }),
  returns<{ readonly position: bigint }>(),
);

/** A UUID-shaped id made from a batch id and an index: the same batch names the same events again. */
export function derivedEventId(batchId: string, index: number): string {
  const hex = createHash('sha256').update(`${batchId}\0${index}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Appends a batch of events as one multi-row append; events without a timestamp get `now`. What the
 * HTTP route and the benchmark both call.
 */
export async function ingest(
  store: EventStore,
  batchId: string,
  events: readonly TrackInput[],
  now: string,
): Promise<Tracked> {
  const eventIds = events.map((e, i) => e.eventId ?? derivedEventId(batchId, i));
  const result = await store
    .appendMany([
      {
        streamId: batchStream(batchId),
        expectedVersion: 'any',
        events: events.map((e, i) => ({
          id: eventIds[i],
          type: EventTracked.type,
          data: {
            userId: e.userId,
            eventType: e.eventType,
            properties: e.properties,
            at: e.timestamp ?? now,
          },
        })),
      },
    ])
    .catch((error: unknown) => {
      // The batch is checked (a valid stream, no id twice), so the store's one ValidationError left is
      // an id it holds already outside this same batch: the id was reused.
      if (isValidationError(error) && events.some((e) => e.eventId !== undefined)) {
        throw new DomainError(
          EVENT_ID_REUSED,
          'an event id was sent before with other content or in another batch; nothing was written',
        );
      }
      throw error;
    });
  return { eventIds, position: result.position };
}

export interface TrackingDeps {
  readonly store: EventStore;
}

/** The command handlers of ingestion. */
export const trackingHandlers = ({ store }: TrackingDeps) => ({
  trackEvents: (c: ReturnType<typeof TrackEvents>) =>
    ingest(store, c.data.batchId, c.data.events, new Date(c.metadata.timestamp).toISOString()),
  updateProfile: async (c: ReturnType<typeof UpdateProfile>) => {
    const result = await store.append(userStream(c.data.userId), [
      ProfileUpdated({ ...c.data, at: new Date(c.metadata.timestamp).toISOString() }),
    ]);
    return { position: result.position };
  },
});
