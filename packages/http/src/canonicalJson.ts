/**
 * JSON text with every object's keys sorted (recursively), so that the same value sent with its keys in
 * another order is the same text. Arrays keep their order: there it means something.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify answers undefined for undefined (though typed string): a missing body reads as null.
  return value === undefined ? 'null' : JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sorted(record[key])]),
  );
}
