// CSV cells that are safe to open in a spreadsheet. Every CSV a service answers writes its cells with
// these two, so that text from one user never runs as a formula on another user's machine.

/**
 * A text cell. Text a spreadsheet would read as a formula (OWASP CSV injection: it begins with `=`, `+`,
 * `-`, `@`, a tab or a carriage return, or with `=`, `+`, `-` or `@` after leading spaces or quotes) is
 * prefixed with a single quote, which makes it plain text. Then RFC 4180 quoting: a cell with a comma, a
 * semicolon (the separator of many locales), a tab, a quote, a line break, or spaces at either end is
 * quoted, its quotes doubled, so that no part of it starts a cell of its own.
 */
export function csvText(value: string): string {
  const text = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A numeric cell: a plain decimal such as `-200.00`, written as it is so that a spreadsheet reads a
 * number (a leading minus is a sign, not a formula). Anything else throws: a column declared numeric
 * never carries text.
 */
export function csvDecimal(value: string | number | bigint): string {
  const text = String(value);
  if (!DECIMAL.test(text)) throw new TypeError(`not a plain decimal number for a CSV cell: ${text}`);
  return text;
}

const FORMULA = /^[\t\r]|^[\s"']*[=+\-@]/;
const NEEDS_QUOTES = /[",;\t\r\n]|^\s|\s$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
