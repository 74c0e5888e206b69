// The analytics service's configuration: read from the environment once, in main.ts, and passed down.
import { HTTP_LIMIT_VARIABLES } from '@janus/http';
import { ConfigError, readServiceConfig, type ServiceConfig } from '@janus/service';
import { ANALYTICS_RATE_LIMITS, analyticsRoles, type AnalyticsRole } from './apiKeys.js';

export { ConfigError, LOG_LEVELS, type LogLevel } from '@janus/service';
export { redactUrl } from '@janus/service';

/** PORT (3002), HOST, ANALYTICS_DATA_DIR (./data/analytics), DATABASE_URL, ANALYTICS_API_KEYS, LOG_LEVEL,
 * ANALYTICS_IDEMPOTENCY_TTL_HOURS (24), ANALYTICS_KEY_SECRET and the HTTP limits (RATE_LIMIT_*, HTTP_*_TIMEOUT_MS,
 * LIVE_FEEDS_PER_KEY). */
export type AnalyticsConfig = Omit<ServiceConfig<AnalyticsRole>, 'readDatabaseUrl'>;

export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'ANALYTICS_DATA_DIR',
  'DATABASE_URL',
  'ANALYTICS_API_KEYS',
  'LOG_LEVEL',
  'ANALYTICS_KEY_SECRET',
  'RATE_LIMIT_WRITER',
  'RATE_LIMIT_READER',
  ...HTTP_LIMIT_VARIABLES,
  'ANALYTICS_IDEMPOTENCY_TTL_HOURS',
] as const;
export type ConfigVariables = Readonly<Partial<Record<(typeof CONFIG_VARIABLES)[number], string>>>;

/** The configuration from environment variables (pass `process.env`); ConfigError lists every bad value. */
export function loadConfig(env: ConfigVariables, cwd: string): AnalyticsConfig {
  const problems: string[] = [];
  const { readDatabaseUrl: _none, ...config } = readServiceConfig(
    env,
    cwd,
    {
      defaultPort: 3002,
      dataDirVariable: 'ANALYTICS_DATA_DIR',
      defaultDataDir: './data/analytics',
      roles: analyticsRoles,
      rateLimits: ANALYTICS_RATE_LIMITS,
      idempotencyTtlVariable: 'ANALYTICS_IDEMPOTENCY_TTL_HOURS',
    },
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
