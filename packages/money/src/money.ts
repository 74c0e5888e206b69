/**
 * Money: integer minor units (`bigint` cents) inside, decimal strings at the edges. Nothing here ever
 * turns an amount into a JS `number`: parsing reads the digits, formatting writes them.
 */

/** The largest amount a request may carry: 1,000,000,000.00. */
export const MAX_AMOUNT = 100_000_000_000n;

/** Cents per unit: every currency of this bank has exactly two fraction digits. */
const SCALE = 100n;

/** A plain decimal: no sign, no exponent, no leading zeros, at most two fraction digits. */
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;

/** Longer than "1000000000.00" can only be too large or malformed; checked first so huge inputs stay cheap. */
const MAX_LENGTH = 16;

export type MoneyParse =
  { readonly ok: true; readonly cents: bigint } | { readonly ok: false; readonly message: string };

export interface ParseMoneyOptions {
  /** Accept "0" (an initial deposit may be zero; a deposit may not). Default false. */
  readonly allowZero?: boolean;
}

/**
 * Reads a decimal string such as "10", "10.5" or "10.50" into cents. Refuses, each with its own message:
 * signs, exponents, whitespace, leading zeros, more than two fraction digits, zero (unless allowed) and
 * anything above 1,000,000,000.00.
 */
export function parseMoney(text: string, options: ParseMoneyOptions = {}): MoneyParse {
  const refuse = (message: string): MoneyParse => ({ ok: false, message });
  if (text.length === 0) return refuse('must be a decimal amount such as "10.50", not an empty string');
  if (/\s/.test(text)) return refuse('must not contain whitespace');
  if (text.startsWith('-')) return refuse('must be positive: no minus sign');
  if (text.startsWith('+')) return refuse("must be written without a leading '+'");
  if (/[eE]/.test(text)) return refuse('must be a plain decimal: exponent notation is not allowed');
  if (/^[0-9]*\.[0-9]{3,}$/.test(text)) return refuse('must have at most 2 fraction digits');
  if (/^0[0-9]/.test(text)) return refuse('must not have leading zeros');
  if (text.length > MAX_LENGTH && /^[0-9]+(\.[0-9]{0,2})?$/.test(text))
    return refuse('must be at most 1000000000.00');
  const match = DECIMAL.exec(text);
  if (!match) return refuse('must be a decimal amount such as "10", "10.5" or "10.50"');
  const units = match[1] ?? '0';
  const fraction = (match[2] ?? '.').slice(1).padEnd(2, '0');
  const cents = BigInt(units) * SCALE + BigInt(fraction);
  if (cents > MAX_AMOUNT) return refuse('must be at most 1000000000.00');
  if (cents === 0n && options.allowZero !== true) return refuse('must be greater than zero');
  return { ok: true, cents };
}

/** Like parseMoney, but throws: for amounts written in code and configuration (`money('10.50')`). */
export function money(text: string, options: ParseMoneyOptions = {}): bigint {
  const parsed = parseMoney(text, options);
  if (!parsed.ok) throw new RangeError(`invalid amount '${text}': ${parsed.message}`);
  return parsed.cents;
}

/** Writes cents with exactly two fraction digits: 1050n → "10.50", -20000n → "-200.00". */
export function formatMoney(cents: bigint): string {
  const negative = cents < 0n;
  const magnitude = negative ? -cents : cents;
  const units = (magnitude / SCALE).toString();
  const fraction = (magnitude % SCALE).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${units}.${fraction}`;
}

/** For people (statements): a formatted amount with its thousands separated by commas, "1,300.00". */
export function groupThousands(amount: string): string {
  return amount.replace(
    /^(-?)([0-9]+)/,
    (_all, sign: string, units: string) => sign + units.replace(/\B(?=([0-9]{3})+$)/g, ','),
  );
}
