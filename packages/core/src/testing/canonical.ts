/**
 * A value as canonical text: object keys sorted, bigints marked (`5n`), so that equal values read the same
 * whatever their key order, and a failing specification can print expected and actual side by side.
 */
export const canonical = (value: unknown): string =>
  value === undefined
    ? 'undefined'
    : JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        }
        return v;
      });

/** Messages (events, commands) by type and data: metadata is not part of what a model decides. */
export const describeMessages = (messages: readonly { readonly type: string; readonly data: unknown }[]) =>
  canonical(messages.map(({ type, data }) => ({ type, data })));

/** Throws `expected <what> …\n     but got …` when the two texts differ. */
export function assertSame(what: string, actual: string, expected: string): void {
  if (actual !== expected) throw new Error(`expected ${what} ${expected}\n     but got ${actual}`);
}
