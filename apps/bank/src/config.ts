// The bank service's configuration: read from the environment once, in main.ts, and passed down.
// loadConfig only parses the variables it is given; it never reads process.env itself.
import { HTTP_LIMIT_VARIABLES } from '@janus/http';
import { ConfigError, readServiceConfig, variable, type ServiceConfig } from '@janus/service';
import { BANK_RATE_LIMITS, bankRoles, type BankRole } from './apiKeys.js';
import { FraudLimitsConfig, type FraudLimits } from './fraud/fraudLimits.js';

export { ConfigError, LOG_LEVELS, type LogLevel } from '@janus/service';

/**
 * PORT (3000), HOST, BANK_DATA_DIR (./data), DATABASE_URL, READ_DATABASE_URL, BANK_API_KEYS, LOG_LEVEL,
 * BANK_IDEMPOTENCY_TTL_HOURS (24), BANK_FRAUD_LARGE_AMOUNT, _VELOCITY_MAX, _VELOCITY_WINDOW_S, _DAILY_LIMIT
 * with the contract's defaults, and the HTTP limits (RATE_LIMIT_*, HTTP_*_TIMEOUT_MS, LIVE_FEEDS_PER_KEY)
 * and BANK_KEY_SECRET.
 */
export interface BankConfig extends ServiceConfig<BankRole> {
  readonly fraud: FraudLimits;
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
  'BANK_KEY_SECRET',
  'RATE_LIMIT_TELLER',
  'RATE_LIMIT_AUDITOR',
  'RATE_LIMIT_CUSTOMER',
  ...HTTP_LIMIT_VARIABLES,
  'BANK_IDEMPOTENCY_TTL_HOURS',
] as const;

export type ConfigVariables = Readonly<Partial<Record<(typeof CONFIG_VARIABLES)[number], string>>>;

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
  const common = readServiceConfig(
    env,
    cwd,
    {
      defaultPort: 3000,
      dataDirVariable: 'BANK_DATA_DIR',
      defaultDataDir: './data',
      roles: bankRoles,
      idempotencyTtlVariable: 'BANK_IDEMPOTENCY_TTL_HOURS',
      readDatabase: true,
      rateLimits: BANK_RATE_LIMITS,
    },
    problems,
  );

  const fraudInput = Object.fromEntries(
    Object.entries(FRAUD_VARIABLES).flatMap(([field, name]) => {
      const text = variable(env, name);
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

  if (problems.length > 0 || !fraud.success) throw new ConfigError(problems);
  return { ...common, fraud: fraud.data };
}

export { redactUrl } from '@janus/service';
