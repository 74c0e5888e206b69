import path from 'node:path';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig, redactUrl, type ConfigVariables } from './config.js';
import { defaultFraudLimits } from './fraud/fraudLimits.js';

const cwd = '/srv/bank';
const problems = (variables: ConfigVariables): readonly string[] => {
  try {
    loadConfig(variables, cwd);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('loadConfig', () => {
  test('the contract defaults', () => {
    expect(loadConfig({}, cwd)).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.join(cwd, 'data'),
      databaseUrl: undefined,
      readDatabaseUrl: undefined,
      apiKeys: undefined,
      fraud: defaultFraudLimits,
      logLevel: 'info',
      keySecret: undefined,
      limits: {
        rate: { perMinute: { teller: 300_000, auditor: 6_000, customer: 600 }, anonymous: 300 },
        timeouts: { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 },
        liveFeedsPerKey: 10,
      },
      idempotencyTtlMs: 24 * 3_600_000,
    });
  });

  test('every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        BANK_DATA_DIR: '/var/lib/bank',
        DATABASE_URL: 'postgres://bank:secret@db:5432/events',
        READ_DATABASE_URL: 'postgresql://bank@replica/reads',
        BANK_API_KEYS: 'k1=teller, k2=auditor ,k3=customer:alice',
        BANK_FRAUD_LARGE_AMOUNT: '500',
        BANK_FRAUD_VELOCITY_MAX: '3',
        BANK_FRAUD_VELOCITY_WINDOW_S: '10',
        BANK_FRAUD_DAILY_LIMIT: '750.50',
        LOG_LEVEL: 'DEBUG',
        BANK_KEY_SECRET: 'a-secret-of-at-least-32-characters!',
        RATE_LIMIT_TELLER: '1000',
        RATE_LIMIT_AUDITOR: '100',
        RATE_LIMIT_CUSTOMER: '10',
        RATE_LIMIT_ANONYMOUS: '5',
        HTTP_REQUEST_TIMEOUT_MS: '20000',
        HTTP_HEADERS_TIMEOUT_MS: '5000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000',
        LIVE_FEEDS_PER_KEY: '2',
        BANK_IDEMPOTENCY_TTL_HOURS: '1.5',
      },
      cwd,
    );
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/bank',
      databaseUrl: 'postgres://bank:secret@db:5432/events',
      readDatabaseUrl: 'postgresql://bank@replica/reads',
      apiKeys: [
        { key: 'k1', role: 'teller' },
        { key: 'k2', role: 'auditor' },
        { key: 'k3', role: 'customer:alice' },
      ],
      fraud: { largeAmount: money('500'), velocityMax: 3, velocityWindowS: 10, dailyLimit: money('750.50') },
      logLevel: 'debug',
      keySecret: 'a-secret-of-at-least-32-characters!',
      limits: {
        rate: { perMinute: { teller: 1000, auditor: 100, customer: 10 }, anonymous: 5 },
        timeouts: { requestMs: 20_000, headersMs: 5000, keepAliveMs: 4000 },
        liveFeedsPerKey: 2,
      },
      idempotencyTtlMs: 90 * 60_000,
    });
  });

  test('BANK_IDEMPOTENCY_TTL_HOURS is a number of hours, more than 0 and at most a year', () => {
    for (const bad of ['0', '-1', 'abc', '1h', '8761', '1e3']) {
      expect(problems({ BANK_IDEMPOTENCY_TTL_HOURS: bad })).toEqual([
        `BANK_IDEMPOTENCY_TTL_HOURS must be a number of hours greater than 0 and at most 8760, got '${bad}'`,
      ]);
    }
    expect(loadConfig({ BANK_IDEMPOTENCY_TTL_HOURS: '0.001' }, cwd).idempotencyTtlMs).toBe(3600);
  });

  test('a blank variable is an unset one; PORT 0 means any free port', () => {
    expect(loadConfig({ PORT: ' ', BANK_API_KEYS: '', DATABASE_URL: '' }, cwd)).toMatchObject({
      port: 3000,
      apiKeys: undefined,
      databaseUrl: undefined,
    });
    expect(loadConfig({ PORT: '0' }, cwd).port).toBe(0);
    expect(loadConfig({ BANK_DATA_DIR: 'state' }, cwd).dataDir).toBe('/srv/bank/state');
  });

  test('every bad value is named at once, with what it should be', () => {
    expect(
      problems({
        PORT: '70000',
        HOST: 'my host',
        DATABASE_URL: 'mysql://root:hunter2@db/bank',
        READ_DATABASE_URL: 'not a url',
        BANK_FRAUD_LARGE_AMOUNT: '10.001',
        BANK_FRAUD_VELOCITY_MAX: '0',
        BANK_FRAUD_VELOCITY_WINDOW_S: '1.5',
        BANK_FRAUD_DAILY_LIMIT: '-1',
        LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      "PORT must be a whole number from 0 to 65535, got '70000'",
      "HOST must be an address or host name without spaces, got 'my host'",
      'DATABASE_URL must be a postgres:// (or postgresql://) URL',
      'READ_DATABASE_URL must be a postgres:// (or postgresql://) URL',
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
      "BANK_FRAUD_LARGE_AMOUNT must have at most 2 fraction digits, got '10.001'",
      "BANK_FRAUD_VELOCITY_MAX must be a whole number from 1 to 999999999, got '0'",
      "BANK_FRAUD_VELOCITY_WINDOW_S must be a whole number from 1 to 999999999, got '1.5'",
      "BANK_FRAUD_DAILY_LIMIT must be positive: no minus sign, got '-1'",
    ]);
  });

  test('bad limits and a short key secret are named by their variables; the secret is never echoed', () => {
    expect(
      problems({
        RATE_LIMIT_CUSTOMER: 'lots',
        RATE_LIMIT_TELLER: '0',
        LIVE_FEEDS_PER_KEY: '-2',
        BANK_KEY_SECRET: 'hunter2',
      }),
    ).toEqual([
      'BANK_KEY_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`), got 7',
      "RATE_LIMIT_TELLER must be a whole number of requests per minute from 1 to 1000000000, got '0'",
      "RATE_LIMIT_CUSTOMER must be a whole number of requests per minute from 1 to 1000000000, got 'lots'",
      "LIVE_FEEDS_PER_KEY must be a whole number of feeds from 1 to 1000, got '-2'",
    ]);
  });

  test('a bad database URL is never echoed: it may hold a password', () => {
    expect(problems({ DATABASE_URL: 'mysql://root:hunter2@db/bank' }).join()).not.toContain('hunter2');
  });

  test('BANK_API_KEYS problems are configuration problems', () => {
    expect(problems({ BANK_API_KEYS: 'k1=teller,k2' })).toEqual([
      "BANK_API_KEYS: pair 2 has no '=': write key=role",
    ]);
  });

  test('the message lists every problem', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }, cwd)).toThrow(
      /invalid configuration:\n {2}- PORT .*\n {2}- LOG_LEVEL /,
    );
  });
});

test('redactUrl hides a password', () => {
  expect(redactUrl('postgres://bank:secret@db:5432/events')).toBe('postgres://bank:***@db:5432/events');
  expect(redactUrl('postgres://db/events')).toBe('postgres://db/events');
});
