// What every Janus service reads from its environment, parsed the same way: where it listens, where it
// keeps its data, its databases, its API keys and its log level. Nothing here reads process.env: a
// service's main passes the variables in, and its loadConfig adds what is its own.
import path from 'node:path';
import { ApiKeysError, MIN_SECRET_LENGTH, parseApiKeys, type ApiKey, type Roles } from './apiKeys.js';
import { readHttpLimits, type HttpLimits } from './httpLimits.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bad configuration: one line per bad variable, naming it and what it should be (never a secret). */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  override get name(): string {
    return 'ConfigError';
  }
}

export interface ServiceConfig<R extends string> {
  /** PORT: 0 to 65535 (0: any free port). */
  readonly port: number;
  /** HOST: the address to bind. Default 127.0.0.1. */
  readonly host: string;
  /** The data folder, absolute: the SQLite file and the generated api-keys.json. */
  readonly dataDir: string;
  /** DATABASE_URL: the events (and, without READ_DATABASE_URL, the read models) in PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** READ_DATABASE_URL: the read models in this PostgreSQL database instead (where the service allows it). */
  readonly readDatabaseUrl: string | undefined;
  /** The keys variable; undefined: keys generated on first start and kept in <dataDir>/api-keys.json. */
  readonly apiKeys: readonly ApiKey<R>[] | undefined;
  /** LOG_LEVEL: a pino level. Default info. */
  readonly logLevel: LogLevel;
  /**
   * The key secret's variable (BANK_KEY_SECRET): principal ids are HMACs of the keys with it. Undefined:
   * the one kept in the event store's database (see serviceKeys' secretStore).
   */
  readonly keySecret: string | undefined;
  /** RATE_LIMIT_<ROLE>, RATE_LIMIT_ANONYMOUS, HTTP_*_TIMEOUT_MS, LIVE_FEEDS_PER_KEY. */
  readonly limits: HttpLimits;
  /** <SERVICE>_IDEMPOTENCY_TTL_HOURS, in milliseconds: how long an Idempotency-Key is kept. Default 24 h. */
  readonly idempotencyTtlMs: number;
}

export interface ServiceConfigOptions<R extends string> {
  readonly defaultPort: number;
  /** The data folder's variable (BANK_DATA_DIR) and its default, relative to `cwd`. */
  readonly dataDirVariable: string;
  readonly defaultDataDir: string;
  /** The service's roles; `roles.variable` names the keys variable (BANK_API_KEYS). */
  readonly roles: Roles<R>;
  /** Whether READ_DATABASE_URL is read. */
  readonly readDatabase?: boolean;
  /**
   * Requests per minute by role kind (`customer` for `customer:<id>`), the defaults of RATE_LIMIT_<KIND>:
   * one entry for every kind of role the service has.
   */
  readonly rateLimits: Readonly<Record<string, number>>;
  /** The variable of the Idempotency-Key lifetime, in hours (BANK_IDEMPOTENCY_TTL_HOURS); default 24. */
  readonly idempotencyTtlVariable?: string;
}

/** At most a year: a longer-lived key is a mistake in the variable, not a wish. */
const MAX_IDEMPOTENCY_TTL_HOURS = 8760;

/** A variable's value, trimmed; unset and blank are both undefined. */
export function variable(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const text = env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

/**
 * Reads the variables every service has; pushes what is wrong to `problems` (the caller adds its own and
 * throws one ConfigError for all of them). Relative data folders are resolved against `cwd`.
 */
export function readServiceConfig<R extends string>(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  options: ServiceConfigOptions<R>,
  problems: string[],
): ServiceConfig<R> {
  const value = (name: string) => variable(env, name);
  const port = parsePort(value('PORT'), options.defaultPort, problems);
  const host = value('HOST') ?? '127.0.0.1';
  if (/\s/.test(host)) problems.push(`HOST must be an address or host name without spaces, got '${host}'`);
  const dataDir = path.resolve(cwd, value(options.dataDirVariable) ?? options.defaultDataDir);
  const databaseUrl = parsePostgresUrl('DATABASE_URL', value('DATABASE_URL'), problems);
  const readDatabaseUrl = options.readDatabase
    ? parsePostgresUrl('READ_DATABASE_URL', value('READ_DATABASE_URL'), problems)
    : undefined;

  let apiKeys: ApiKey<R>[] | undefined;
  const keysText = value(options.roles.variable);
  if (keysText !== undefined) {
    try {
      apiKeys = parseApiKeys(keysText, options.roles);
    } catch (error) {
      if (!(error instanceof ApiKeysError)) throw error;
      problems.push(...error.problems.map((p) => `${options.roles.variable}: ${p}`));
    }
  }

  const logLevelText = value('LOG_LEVEL')?.toLowerCase() ?? 'info';
  const logLevel = LOG_LEVELS.find((level) => level === logLevelText) ?? 'info';
  if (logLevel !== logLevelText) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevelText}'`);
  }
  const keySecret = value(options.roles.secretVariable);
  if (keySecret !== undefined && keySecret.length < MIN_SECRET_LENGTH) {
    // Never echo a secret, not even a bad one.
    problems.push(
      `${options.roles.secretVariable} must be at least ${MIN_SECRET_LENGTH} characters ` +
        `(e.g. \`openssl rand -base64 32\`), got ${keySecret.length}`,
    );
  }
  const limits = readHttpLimits(value, options.rateLimits, problems);
  const idempotencyTtlMs = parseTtlHours(
    options.idempotencyTtlVariable,
    options.idempotencyTtlVariable === undefined ? undefined : value(options.idempotencyTtlVariable),
    problems,
  );
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    readDatabaseUrl,
    apiKeys,
    logLevel,
    keySecret,
    limits,
    idempotencyTtlMs,
  };
}

function parseTtlHours(name: string | undefined, text: string | undefined, problems: string[]): number {
  const fallback = 24 * 3_600_000;
  if (name === undefined || text === undefined) return fallback;
  const hours = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(hours > 0 && hours <= MAX_IDEMPOTENCY_TTL_HOURS)) {
    problems.push(
      `${name} must be a number of hours greater than 0 and at most ${MAX_IDEMPOTENCY_TTL_HOURS}, got '${text}'`,
    );
    return fallback;
  }
  return Math.max(1, Math.round(hours * 3_600_000));
}

function parsePort(text: string | undefined, fallback: number, problems: string[]): number {
  if (text === undefined) return fallback;
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    problems.push(`PORT must be a whole number from 0 to 65535, got '${text}'`);
    return 0;
  }
  return port;
}

function parsePostgresUrl(name: string, text: string | undefined, problems: string[]): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'postgres:' && url?.protocol !== 'postgresql:') {
    // The value may hold a password: never echo it.
    problems.push(`${name} must be a postgres:// (or postgresql://) URL`);
    return undefined;
  }
  return text;
}
