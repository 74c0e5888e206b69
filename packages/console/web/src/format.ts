import type { Position } from './api.js';

/** A date and time for people, in the browser's locale; the ISO text stays in the title. */
export const formatTime = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

export const formatJson = (value: unknown): string => JSON.stringify(value, null, 2);

/** A position or a count with thousands separators (a string beyond 2^53 stays exact). */
export const formatCount = (value: Position): string =>
  typeof value === 'number' ? value.toLocaleString('en-US') : value;

/** Percentage done of a rebuild, 0 to 100. */
export const percent = (done: Position, total: Position): number => {
  const t = Number(total);
  return t <= 0 ? 100 : Math.min(100, Math.floor((Number(done) / t) * 100));
};
