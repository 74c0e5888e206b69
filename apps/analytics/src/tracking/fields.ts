// The fields of tracked events, as the HTTP edge and the commands check them.
import { refineSafeJson } from '@janus/money';
import { z } from 'zod';

/** A user id: 1 to 128 characters of A-Z, a-z, 0-9 and _ - . : @ */
export const UserId = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be a user id: 1 to 128 characters of A-Z, a-z, 0-9, _ - . : @');

/** An event type: 1 to 100 characters of A-Z, a-z, 0-9 and _ - . : */
export const EventType = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be an event type: 1 to 100 characters of A-Z, a-z, 0-9, _ - . :');

/**
 * Free-form JSON properties of an event, or a profile's attributes (an object): no string in it, key or
 * value, holds a lone surrogate or a bidirectional control.
 */
export const Properties = z.record(z.string(), z.json()).superRefine(refineSafeJson);

const ISO = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });

/** A real calendar date and time from 1970 to 9999, as epoch milliseconds. */
function instantMs(text: string): number | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || ms < 0 || ms > Date.UTC(9999, 11, 31, 23, 59, 59, 999)) return undefined;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return ms;
}

/** An event's time: ISO 8601 (UTC or with an offset), answered as ISO 8601 UTC. */
export const Timestamp = ISO.refine((text) => instantMs(text) !== undefined, {
  error: 'must be a real date and time from 1970 to 9999',
}).transform((text) => new Date(Date.parse(text)).toISOString());

/** A range bound of the statistics: a whole minute (seconds and milliseconds zero), as epoch ms. */
export const MinuteBound = ISO.refine((text) => instantMs(text) !== undefined, {
  error: 'must be a real date and time from 1970 to 9999',
})
  .transform((text) => Date.parse(text))
  .refine((ms) => ms % 60_000 === 0, { error: 'must be a whole minute (seconds and milliseconds zero)' });

export const MINUTE_MS = 60_000;

/** The minute bucket of an instant (minutes since 1970). */
export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS);
