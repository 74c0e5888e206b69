// The batch id of a request's events: what names the stream a tracking request appends to.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@janus/http';
import type { TrackInput } from '../tracking/tracking.js';

/**
 * The batch id (and so the stream) of a request's events. When every event carries its own id, it is made
 * from those events as sent (ids and content, keys in any order): the same batch sent again goes to the
 * same stream and is a no-op, with or without an Idempotency-Key, while the same ids with other content go
 * to another stream, where the store refuses them (`EVENT_ID_REUSED`). Else it is the request's message id
 * (the same on a retry with an Idempotency-Key).
 */
export function batchIdOf(events: readonly TrackInput[], messageId: string): string {
  if (events.every((e) => e.eventId !== undefined)) {
    return `c${createHash('sha256').update(canonicalJson(events)).digest('base64url').slice(0, 40)}`;
  }
  return messageId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
}
