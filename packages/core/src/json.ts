/**
 * JSON that keeps bigints: money is bigint minor units, and events and snapshots must round-trip it
 * exactly. A bigint is written as {"$bigint":"123"}; every store uses these two functions.
 */
export function toJson(value: unknown): string {
  // A replacer function is called for every value and makes JSON.stringify several times slower; most
  // values are shallow, so their bigints are tagged first, in a copy, and the copy is stringified plainly.
  try {
    return JSON.stringify(tagBigints(value, '', 0));
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? { $bigint: v.toString() } : v,
    );
  }
}

/** Past this depth (or in a cycle) tagging gives up, and the replacer says what JSON.stringify says. */
const MAX_DEPTH = 64;
const TOO_DEEP = Symbol('too deep');

/**
 * `value` with every bigint replaced by {$bigint: "…"}, copying only the objects and arrays on the way
 * to a bigint. Like JSON.stringify, it calls toJSON(key) first (a Date becomes its string).
 */
function tagBigints(value: unknown, key: string, depth: number, fromToJson = false): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) throw TOO_DEEP; // eslint-disable-line @typescript-eslint/only-throw-error -- caught above
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  // JSON.stringify calls toJSON once per value, not again on what it returned.
  if (typeof toJSON === 'function' && !fromToJson)
    return tagBigints(toJSON.call(value, key), key, depth, true);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const tagged = tagBigints(item, String(i), depth + 1);
      if (tagged !== item) (copy ??= value.slice())[i] = tagged;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(record)) {
    const child = record[k];
    if (typeof child !== 'object' && typeof child !== 'bigint') continue;
    const tagged = tagBigints(child, k, depth + 1);
    if (tagged !== child) (copy ??= { ...record })[k] = tagged;
  }
  return copy ?? value;
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
