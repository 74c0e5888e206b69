// The bank service's configuration: read from the environment once, in main.ts, and passed down.
// loadConfig only parses the variables it is given; it never reads process.env itself.
import path from 'node:path';
import { ApiKeysError, parseApiKeys, type ApiKey } from './apiKeys.js';
import { FraudLimitsConfig, type FraudLimits } from './fraud/fraudLimits.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface BankConfig {
  /** PORT: 0 to 65535 (0: any free port). Default 3000. */
  readonly port: number;
  /** HOST: the address to bind. Default 127.0.0.1. */
  readonly host: string;
  /** BANK_DATA_DIR, absolute: the SQLite file (bank.db) and the generated api-keys.json. Default ./data. */
  readonly dataDir: string;
  /** DATABASE_URL: the events (and, without READ_DATABASE_URL, the read models) in PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** READ_DATABASE_URL: the read models in this PostgreSQL database instead. */
  readonly readDatabaseUrl: string | undefined;
  /** BANK_API_KEYS; undefined: keys generated on first start and kept in <dataDir>/api-keys.json. */
  readonly apiKeys: readonly ApiKey[] | undefined;
  /** BANK_FRAUD_LARGE_AMOUNT, _VELOCITY_MAX, _VELOCITY_WINDOW_S, _DAILY_LIMIT, with the contract's defaults. */
  readonly fraud: FraudLimits;
  /** LOG_LEVEL: a pino level. Default info. */
  readonly logLevel: LogLevel;
}

/** Every variable loadConfig reads. */
export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'BANK_DATA_DIR',
  'DATABASE_URL',
  'READ_DATABASE_URL',
  'BANK_API_KEYS',
  'BANK_FRAUD_LARGE_AMOUNT',
  'BANK_FRAUD_VELOCITY_MAX',
  'BANK_FRAUD_VELOCITY_WINDOW_S',
  'BANK_FRAUD_DAILY_LIMIT',
  'LOG_LEVEL',
] as const;

export type ConfigVariables = Readonly<Partial<Record<(typeof CONFIG_VARIABLES)[number], string>>>;

/** Bad configuration: one line per bad variable, naming it and what it should be. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  override get name(): string {
    return 'ConfigError';
  }
}

const FRAUD_VARIABLES = {
  largeAmount: 'BANK_FRAUD_LARGE_AMOUNT',
  velocityMax: 'BANK_FRAUD_VELOCITY_MAX',
  velocityWindowS: 'BANK_FRAUD_VELOCITY_WINDOW_S',
  dailyLimit: 'BANK_FRAUD_DAILY_LIMIT',
} as const;

/**
 * The configuration from environment variables (pass `process.env`). A variable that is unset or blank
 * takes its default. Relative BANK_DATA_DIR is resolved against `cwd`. Throws a ConfigError listing every
 * bad value at once.
 */
export function loadConfig(env: ConfigVariables, cwd: string): BankConfig {
  const problems: string[] = [];
  const value = (name: (typeof CONFIG_VARIABLES)[number]): string | undefined => {
    const text = env[name]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };

  const port = parsePort(value('PORT'), problems);
  const host = value('HOST') ?? '127.0.0.1';
  if (/\s/.test(host)) problems.push(`HOST must be an address or host name without spaces, got '${host}'`);
  const dataDir = path.resolve(cwd, value('BANK_DATA_DIR') ?? './data');
  const databaseUrl = parsePostgresUrl('DATABASE_URL', value('DATABASE_URL'), problems);
  const readDatabaseUrl = parsePostgresUrl('READ_DATABASE_URL', value('READ_DATABASE_URL'), problems);

  let apiKeys: ApiKey[] | undefined;
  const keysText = value('BANK_API_KEYS');
  if (keysText !== undefined) {
    try {
      apiKeys = parseApiKeys(keysText);
    } catch (error) {
      if (!(error instanceof ApiKeysError)) throw error;
      problems.push(...error.problems.map((p) => `BANK_API_KEYS: ${p}`));
    }
  }

  const fraudInput = Object.fromEntries(
    Object.entries(FRAUD_VARIABLES).flatMap(([field, name]) => {
      const text = value(name);
      return text === undefined ? [] : [[field, text]];
    }),
  );
  const fraud = FraudLimitsConfig.safeParse(fraudInput);
  if (!fraud.success) {
    for (const issue of fraud.error.issues) {
      const field = String(issue.path[0]) as keyof typeof FRAUD_VARIABLES;
      const message = issue.message.replace(new RegExp(`^${field} `), '');
      problems.push(`${FRAUD_VARIABLES[field]} ${message}, got '${String(fraudInput[field])}'`);
    }
  }

  const logLevelText = value('LOG_LEVEL')?.toLowerCase() ?? 'info';
  const logLevel = LOG_LEVELS.find((level) => level === logLevelText);
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevelText}'`);

  if (problems.length > 0 || !fraud.success || !logLevel) throw new ConfigError(problems);
  return { port, host, dataDir, databaseUrl, readDatabaseUrl, apiKeys, fraud: fraud.data, logLevel };
}

function parsePort(text: string | undefined, problems: string[]): number {
  if (text === undefined) return 3000;
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

export { redactUrl } from '@janus/stores';
