/**
 * A global log position as a JSON value: a number while it is exact (up to Number.MAX_SAFE_INTEGER, which
 * is every position a real log reaches), a decimal string beyond, so that no client ever sees a rounded one.
 */
export function jsonPosition(position: bigint): number | string {
  return position >= BigInt(Number.MIN_SAFE_INTEGER) && position <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(position)
    : position.toString();
}

/**
 * JSON text of a response body: bigints (which JSON.stringify refuses) become decimal strings; positions
 * should be converted with jsonPosition first, so that they stay numbers.
 */
export function stringifyBody(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
