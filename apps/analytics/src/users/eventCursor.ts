// The cursor of a user's events: opaque to clients, it names the last event a page showed by its place in
// the newest-first order (timestamp, then log position), versioned so its form can change.
import { ValidationError } from '@janus/core';

export interface EventPlace {
  /** The event's timestamp, epoch milliseconds. */
  readonly atMs: number;
  /** The event's global log position. */
  readonly position: number;
}

export const encodeEventCursor = ({ atMs, position }: EventPlace): string =>
  Buffer.from(`v1:${atMs}:${position}`).toString('base64url');

/** The place a cursor names; a cursor this service did not make is a ValidationError on `cursor`. */
export function decodeEventCursor(cursor: string): EventPlace {
  const match = /^v1:(0|[1-9][0-9]{0,14}):([1-9][0-9]{0,15})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  const place = match?.[1] && match[2] ? { atMs: Number(match[1]), position: Number(match[2]) } : undefined;
  if (!place || !Number.isSafeInteger(place.position) || encodeEventCursor(place) !== cursor) {
    throw new ValidationError('invalid cursor', [
      { path: 'cursor', message: 'is not a cursor this service made' },
    ]);
  }
  return place;
}
