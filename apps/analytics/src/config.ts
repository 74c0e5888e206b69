// The analytics service's configuration: read from the environment once, in main.ts, and passed down.
import path from 'node:path';
import { ApiKeysError, parseApiKeys, type ApiKey } from './apiKeys.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AnalyticsConfig {
  /** PORT: 0 to 65535 (0: any free port). Default 3002. */
  readonly port: number;
  /** HOST: the address to bind. Default 127.0.0.1. */
  readonly host: string;
  /** ANALYTICS_DATA_DIR, absolute: the SQLite file and the generated api-keys.json. Default ./data/analytics. */
  readonly dataDir: string;
  /** DATABASE_URL: events and read models in PostgreSQL instead of SQLite. */
  readonly databaseUrl: string | undefined;
  /** ANALYTICS_API_KEYS; undefined: keys generated on first start and kept in <dataDir>/api-keys.json. */
  readonly apiKeys: readonly ApiKey[] | undefined;
  /** LOG_LEVEL: a pino level. Default info. */
  readonly logLevel: LogLevel;
}

export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'ANALYTICS_DATA_DIR',
  'DATABASE_URL',
  'ANALYTICS_API_KEYS',
  'LOG_LEVEL',
] as const;

export type ConfigVariables = Readonly<Partial<Record<(typeof CONFIG_VARIABLES)[number], string>>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  override get name(): string {
    return 'ConfigError';
  }
}

/** The configuration from environment variables (pass `process.env`); ConfigError lists every bad value. */
export function loadConfig(env: ConfigVariables, cwd: string): AnalyticsConfig {
  const problems: string[] = [];
  const value = (name: (typeof CONFIG_VARIABLES)[number]): string | undefined => {
    const text = env[name]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  const portText = value('PORT');
  const port = portText === undefined ? 3002 : /^[0-9]{1,5}$/.test(portText) ? Number(portText) : -1;
  if (!(port >= 0 && port <= 65535))
    problems.push(`PORT must be a whole number from 0 to 65535, got '${portText}'`);
  const host = value('HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(cwd, value('ANALYTICS_DATA_DIR') ?? './data/analytics');
  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// (or postgresql://) URL');
  }
  let apiKeys: ApiKey[] | undefined;
  const keysText = value('ANALYTICS_API_KEYS');
  if (keysText !== undefined) {
    try {
      apiKeys = parseApiKeys(keysText);
    } catch (error) {
      if (!(error instanceof ApiKeysError)) throw error;
      problems.push(...error.problems.map((p) => `ANALYTICS_API_KEYS: ${p}`));
    }
  }
  const logLevelText = value('LOG_LEVEL')?.toLowerCase() ?? 'info';
  const logLevel = LOG_LEVELS.find((level) => level === logLevelText);
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevelText}'`);
  if (problems.length > 0 || !logLevel) throw new ConfigError(problems);
  return { port, host, dataDir, databaseUrl, apiKeys, logLevel };
}

export { redactUrl } from '@janus/stores';
