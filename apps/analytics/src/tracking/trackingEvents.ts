// The analytics events: what the store keeps.
import { event, type EventOf } from '@janus/core';
import { z } from 'zod';

export const EventTracked = event(
  'analytics.EventTracked.v1',
  z.object({
    userId: z.string(),
    eventType: z.string(),
    properties: z.record(z.string(), z.unknown()),
    /** When it happened (the client's timestamp, else when it was received): ISO 8601 UTC. */
    at: z.string(),
  }),
);

export const ProfileUpdated = event(
  'analytics.ProfileUpdated.v1',
  z.object({
    userId: z.string(),
    /** Merged into the profile; a null value removes that attribute. */
    attributes: z.record(z.string(), z.unknown()),
    at: z.string(),
  }),
);

export type AnalyticsEvent = EventOf<typeof EventTracked | typeof ProfileUpdated>;

/** The stream of one ingestion batch: every event of a batch is one multi-row append to it. */
export const batchStream = (batchId: string): string => `tracking-${batchId}`;

/** The stream of one user's profile updates. */
export const userStream = (userId: string): string => `user-${userId}`;
