import { ValidationError } from './errors.js';

// A page cursor is opaque to clients: the sort key of the last item they saw, versioned so its form can
// change. Domain queries page with it, so it lives here rather than in a transport.

/** The cursor naming `key`: base64url of `v1:<key>`. */
export const encodeCursor = (key: string): string => Buffer.from(`v1:${key}`).toString('base64url');

/**
 * The key a cursor names. Throws a ValidationError (on `cursor`) unless this code made it from a key
 * that `keyPattern` matches whole: anything else, re-encoded differently or of another version, is refused.
 */
export function decodeCursor(cursor: string, keyPattern: RegExp): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const key = decoded.startsWith('v1:') ? decoded.slice(3) : undefined;
  const whole = key === undefined ? null : keyPattern.exec(key);
  if (key === undefined || whole?.[0] !== key || encodeCursor(key) !== cursor) {
    throw new ValidationError('invalid cursor', [
      { path: 'cursor', message: 'is not a cursor this service made' },
    ]);
  }
  return key;
}

/** One page of the items past a cursor (already in page order), and the cursor of the page after it. */
export function pageFrom<T>(
  rest: readonly T[],
  limit: number,
  keyOf: (item: T) => string,
): { readonly items: T[]; readonly nextCursor: string | null } {
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rest.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
