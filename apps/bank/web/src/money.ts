// Money as the contract writes it: a decimal string with at most two fraction digits. It is checked and
// formatted as text (no floating point), the way the service does.

const AMOUNT = /^[0-9]+(\.[0-9]{1,2})?$/;
const MAX_CENTS = 100_000_000_000n; // 1,000,000,000.00

/** What is wrong with an amount typed by the user, or undefined when the service will take it. */
export function amountError(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'Enter an amount.';
  if (!AMOUNT.test(value)) return 'Use digits and at most two decimals, like 25 or 25.50.';
  const cents = toCents(value);
  if (cents === 0n) return 'The amount must be more than zero.';
  if (cents > MAX_CENTS) return 'The amount may be at most 1,000,000,000.00.';
  return undefined;
}

function toCents(value: string): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** "1234567.50" → "1,234,567.50"; the sign is kept. */
export function formatMoney(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}${grouped}.${fraction.padEnd(2, '0')}`;
}

/** A balance as a number, for the chart's y axis only (a picture, never arithmetic on money). */
export const plotValue = (amount: string): number => Number(amount);
