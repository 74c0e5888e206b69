/**
 * JSON that keeps bigints: money is bigint minor units, and events and snapshots must round-trip it
 * exactly. A bigint is written as {"$bigint":"123"}; every store uses these two functions.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

export function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const tagged = (v as { $bigint?: unknown }).$bigint;
      if (keys.length === 1 && typeof tagged === 'string') return BigInt(tagged);
    }
    return v;
  });
}
