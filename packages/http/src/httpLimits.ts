// The limits every Janus service puts on its HTTP clients, read from the same variables in every service:
// rate limits by role (RATE_LIMIT_<ROLE>) and per address (RATE_LIMIT_ANONYMOUS), request timeouts
// (HTTP_*_TIMEOUT_MS) and live console feeds per key (LIVE_FEEDS_PER_KEY).

/** Requests per minute (counted in one-minute windows), by role. */
export interface RateLimits {
  /** By role kind: the role's name up to its first ':' (`customer` for `customer:alice`). */
  readonly perMinute: Readonly<Record<string, number>>;
  /** For requests without a valid key, per client address (this also slows down key guessing). */
  readonly anonymous: number;
}

export interface HttpTimeouts {
  /** The whole request (headers and body) must arrive within this, else 408 and the connection closes. */
  readonly requestMs: number;
  /** The headers must arrive within this (at most requestMs). */
  readonly headersMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveMs: number;
}

export interface HttpLimits {
  readonly rate: RateLimits;
  readonly timeouts: HttpTimeouts;
  /** Live admin console feeds (Server-Sent Events) open at once per key; one more is a 429. */
  readonly liveFeedsPerKey: number;
}

export const DEFAULT_ANONYMOUS_PER_MINUTE = 300;
export const DEFAULT_TIMEOUTS: HttpTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 };
export const DEFAULT_LIVE_FEEDS_PER_KEY = 10;

/** The variable of a role kind's rate limit: `customer` → RATE_LIMIT_CUSTOMER. */
export const rateLimitVariable = (roleKind: string): string =>
  `RATE_LIMIT_${roleKind.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** The kind of a role: its name up to its first ':'. */
export const roleKind = (role: string): string => role.split(':', 1)[0] ?? role;

/**
 * Reads the limits; `roleDefaults` are the service's requests per minute by role kind, and name the
 * RATE_LIMIT_ variables it reads. Pushes one line per bad value to `problems`, naming its variable.
 */
export function readHttpLimits(
  value: (name: string) => string | undefined,
  roleDefaults: Readonly<Record<string, number>>,
  problems: string[],
): HttpLimits {
  const wholeNumber = (name: string, fallback: number, min: number, max: number, unit: string): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const number = /^[0-9]{1,10}$/.test(text) ? Number(text) : Number.NaN;
    if (!(number >= min && number <= max)) {
      problems.push(`${name} must be a whole number of ${unit} from ${min} to ${max}, got '${text}'`);
      return fallback;
    }
    return number;
  };
  const perMinute = (name: string, fallback: number) =>
    wholeNumber(name, fallback, 1, 1_000_000_000, 'requests per minute');
  const rate: RateLimits = {
    perMinute: Object.fromEntries(
      Object.entries(roleDefaults).map(([kind, fallback]) => [
        kind,
        perMinute(rateLimitVariable(kind), fallback),
      ]),
    ),
    anonymous: perMinute('RATE_LIMIT_ANONYMOUS', DEFAULT_ANONYMOUS_PER_MINUTE),
  };
  const ms = (name: string, fallback: number) => wholeNumber(name, fallback, 100, 3_600_000, 'milliseconds');
  const requestMs = ms('HTTP_REQUEST_TIMEOUT_MS', DEFAULT_TIMEOUTS.requestMs);
  const headersMs = ms('HTTP_HEADERS_TIMEOUT_MS', Math.min(DEFAULT_TIMEOUTS.headersMs, requestMs));
  if (headersMs > requestMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${headersMs}) must not be above HTTP_REQUEST_TIMEOUT_MS (${requestMs})`,
    );
  }
  const keepAliveMs = ms('HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_TIMEOUTS.keepAliveMs);
  const liveFeedsPerKey = wholeNumber('LIVE_FEEDS_PER_KEY', DEFAULT_LIVE_FEEDS_PER_KEY, 1, 1000, 'feeds');
  return { rate, timeouts: { requestMs, headersMs, keepAliveMs }, liveFeedsPerKey };
}

/** The variables readHttpLimits reads in every service, whatever its roles (RATE_LIMIT_<ROLE> aside). */
export const HTTP_LIMIT_VARIABLES = [
  'RATE_LIMIT_ANONYMOUS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'LIVE_FEEDS_PER_KEY',
] as const;
