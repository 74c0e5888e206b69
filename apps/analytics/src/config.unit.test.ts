import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import {
  ApiKeysError,
  ConfigError,
  readConfig,
  loadOrCreateKeyFile as keyFile,
  parseApiKeys as parseKeys,
  type Env,
} from '@janus/service';
import { analyticsService } from './service.js';

const loadConfig = (env: Env, cwd: string) => readConfig(analyticsService, env, cwd);
const parseApiKeys = (text: string) => parseKeys(text, analyticsService.roles);
const loadOrCreateKeyFile = (dir: string) => keyFile(dir, analyticsService.roles);

test('the defaults: port 3002, SQLite in ./data/analytics, generated keys', () => {
  expect(loadConfig({}, '/srv')).toEqual({
    port: 3002,
    host: '127.0.0.1',
    dataDir: '/srv/data/analytics',
    databaseUrl: undefined,
    readDatabaseUrl: undefined,
    apiKeys: undefined,
    logLevel: 'info',
    keySecret: undefined,
    limits: {
      rate: { perMinute: { writer: 300_000, reader: 6_000 }, anonymous: 300 },
      timeouts: { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 },
      liveFeedsPerKey: 10,
    },
    idempotencyTtlMs: 24 * 3_600_000,
  });
});

test('every bad variable is named at once, never echoing a key', () => {
  const error = (() => {
    try {
      loadConfig(
        { PORT: '70000', DATABASE_URL: 'mysql://x', ANALYTICS_API_KEYS: 'secret=admin', LOG_LEVEL: 'loud' },
        '/',
      );
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(ConfigError);
  const { problems } = error as ConfigError;
  expect(problems).toHaveLength(4);
  expect(problems.join('\n')).not.toContain('secret');
});

test('ANALYTICS_API_KEYS: key=role pairs with roles writer and reader', () => {
  expect(parseApiKeys(' w1=writer , r1=reader')).toEqual([
    { key: 'w1', role: 'writer' },
    { key: 'r1', role: 'reader' },
  ]);
  expect(() => parseApiKeys('a=writer,a=reader')).toThrow(ApiKeysError);
  expect(() => parseApiKeys('nokey')).toThrow(ApiKeysError);
});

test('without keys, a writer and a reader key are made once, private, and reused', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-analytics-keys-'));
  try {
    const first = await loadOrCreateKeyFile(dir);
    expect(first.created).toBe(true);
    expect(first.keys.map((k) => k.role)).toEqual(['writer', 'reader']);
    expect((await fs.stat(path.join(dir, 'api-keys.json'))).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateKeyFile(dir);
    expect(second.created).toBe(false);
    expect(second.keys).toEqual(first.keys);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
