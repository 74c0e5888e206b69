// A date range as a caller writes it: ISO instants, or plain dates meaning whole UTC days.
import { z } from 'zod';
import { Instant } from './fields.js';

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `2026-12-04` (a whole UTC day) or an ISO 8601 instant with its offset. */
export const DateOrInstant = z.union([z.iso.date(), Instant], {
  error: 'must be a date (YYYY-MM-DD, a whole UTC day) or an ISO 8601 instant with its offset',
});

/**
 * The instants [from, to) a range covers, in epoch milliseconds. A plain `from` starts at its day's
 * midnight UTC; a plain `to` includes its day, so `from=2026-12-04&to=2026-12-04` is that one day. An
 * instant is taken as it is (`to` exclusive).
 */
export function dateRange(from: string, to: string): { readonly from: number; readonly to: number } {
  const start = PLAIN_DATE.test(from) ? Date.parse(`${from}T00:00:00Z`) : Date.parse(from);
  const end = PLAIN_DATE.test(to) ? Date.parse(`${to}T00:00:00Z`) + DAY_MS : Date.parse(to);
  return { from: start, to: end };
}
