// The shop service's configuration: read from the environment once, in main.ts, and passed down.
import { HTTP_LIMIT_VARIABLES } from '@janus/http';
import { ConfigError, readServiceConfig, type ServiceConfig } from '@janus/service';
import { SHOP_RATE_LIMITS, shopRoles, type ShopRole } from './apiKeys.js';

export { ConfigError, LOG_LEVELS, type LogLevel } from '@janus/service';
export { redactUrl } from '@janus/service';

/** PORT (3001), HOST, SHOP_DATA_DIR (./data/shop), DATABASE_URL, SHOP_API_KEYS, LOG_LEVEL,
 * SHOP_IDEMPOTENCY_TTL_HOURS (24), SHOP_KEY_SECRET and the HTTP limits (RATE_LIMIT_*, HTTP_*_TIMEOUT_MS,
 * LIVE_FEEDS_PER_KEY). */
export type ShopConfig = Omit<ServiceConfig<ShopRole>, 'readDatabaseUrl'>;

export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'SHOP_DATA_DIR',
  'DATABASE_URL',
  'SHOP_API_KEYS',
  'LOG_LEVEL',
  'SHOP_KEY_SECRET',
  'RATE_LIMIT_ADMIN',
  'RATE_LIMIT_CUSTOMER',
  ...HTTP_LIMIT_VARIABLES,
  'SHOP_IDEMPOTENCY_TTL_HOURS',
] as const;
export type ConfigVariables = Readonly<Partial<Record<(typeof CONFIG_VARIABLES)[number], string>>>;

/** The configuration from environment variables (pass `process.env`); throws a ConfigError listing every bad value. */
export function loadConfig(env: ConfigVariables, cwd: string): ShopConfig {
  const problems: string[] = [];
  const { readDatabaseUrl: _none, ...config } = readServiceConfig(
    env,
    cwd,
    {
      defaultPort: 3001,
      dataDirVariable: 'SHOP_DATA_DIR',
      defaultDataDir: './data/shop',
      roles: shopRoles,
      rateLimits: SHOP_RATE_LIMITS,
      idempotencyTtlVariable: 'SHOP_IDEMPOTENCY_TTL_HOURS',
    },
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
