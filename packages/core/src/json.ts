/**
 * JSON that keeps bigints: money is bigint minor units, and events and snapshots must round-trip it
 * exactly. A bigint is written as {"$bigint":"123"}; every store uses these two functions.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function fromJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // Most texts hold no bigint, and those that do are walked once: a JSON.parse reviver costs several
  // times more. A \u escape may spell '$bigint' too, so such texts are walked as well.
  return text.includes('$bigint') || text.includes('\\u') ? reviveBigints(value) : value;
}

/** Replaces, in place, every {"$bigint":"…"} of freshly parsed JSON by its bigint. */
function reviveBigints(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveBigints(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const tagged = record.$bigint;
  if (keys.length === 1 && typeof tagged === 'string') return BigInt(tagged);
  for (const key of keys) {
    const child = record[key];
    if (typeof child !== 'object' || child === null) continue;
    const revived = reviveBigints(child);
    if (revived !== child) record[key] = revived;
  }
  return record;
}
