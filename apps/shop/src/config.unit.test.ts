import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ApiKeysError,
  ConfigError,
  readConfig,
  loadOrCreateKeyFile as keyFile,
  parseApiKeys as parseKeys,
  type Env,
} from '@janus/service';
import { shopRoles } from './roles.js';
import { shopService } from './service.js';

const loadConfig = (env: Env, cwd: string) => readConfig(shopService, env, cwd);
const parseApiKeys = (text: string) => parseKeys(text, shopRoles);
const loadOrCreateKeyFile = (dir: string) => keyFile(dir, shopRoles);

describe('configuration', () => {
  test('the defaults: port 3001, ./data/shop, SQLite, generated keys', () => {
    expect(loadConfig({}, '/srv')).toEqual({
      port: 3001,
      host: '127.0.0.1',
      dataDir: '/srv/data/shop',
      databaseUrl: undefined,
      readDatabaseUrl: undefined,
      apiKeys: undefined,
      logLevel: 'info',
      keySecret: undefined,
      limits: {
        rate: { perMinute: { admin: 300_000, customer: 600 }, anonymous: 300 },
        timeouts: { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 },
        liveFeedsPerKey: 10,
      },
      idempotencyTtlMs: 24 * 3_600_000,
    });
  });

  test('every bad variable is named at once, never echoing a database URL', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://secret@x', LOG_LEVEL: 'loud' }, '/srv');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).not.toContain('secret');
  });

  test('SHOP_API_KEYS: key=role pairs with the roles admin and customer:<id>', () => {
    expect(parseApiKeys('k1=admin, k2=customer:alice')).toEqual([
      { key: 'k1', role: 'admin' },
      { key: 'k2', role: 'customer:alice' },
    ]);
    expect(() => parseApiKeys('k1=teller')).toThrow(ApiKeysError);
    expect(() => parseApiKeys('k1=admin,k1=customer:bob')).toThrow(ApiKeysError);
  });

  test('without SHOP_API_KEYS an admin key is made once and kept, readable by its owner only', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-shop-keys-'));
    try {
      const first = await loadOrCreateKeyFile(dir);
      const second = await loadOrCreateKeyFile(dir);
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.keys).toEqual(first.keys);
      expect(first.keys.map((k) => k.role)).toEqual(['admin']);
      expect((await fs.stat(path.join(dir, 'api-keys.json'))).mode & 0o777).toBe(0o600);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
