import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InMemoryEventStore } from '@janus/core';
import { afterEach, describe, expect, test } from 'vitest';
import { KEY_FILE, KEY_SECRET_FILE, serviceKeys, type Roles } from './apiKeys.js';

const roles: Roles<'admin' | 'user'> = {
  parse: (text) => (text === 'admin' || text === 'user' ? text : undefined),
  hint: 'a role is admin or user',
  generated: ['admin'],
  variable: 'TEST_API_KEYS',
  service: 'a test service',
  secretVariable: 'TEST_KEY_SECRET',
};

const dirs: string[] = [];
const fresh = async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-service-keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

const modeOf = async (file: string) => ((await fs.stat(file)).mode & 0o777).toString(8);
const KEYS = [{ key: 'a-long-enough-admin-key', role: 'admin' as const }];
const SECRET = 'x'.repeat(40);

describe('the key secret kept in the event store', () => {
  test('processes with other data folders on one store get the same ids; no file is made', async () => {
    const store = new InMemoryEventStore();
    const [one, two] = [await fresh(), await fresh()];
    const [a, b] = await Promise.all([
      serviceKeys({ apiKeys: KEYS, dataDir: one, keySecret: undefined, secretStore: store }, roles),
      serviceKeys({ apiKeys: KEYS, dataDir: two, keySecret: undefined, secretStore: store }, roles),
    ]);
    expect([...a.principals]).toEqual([...b.principals]);
    expect([a.secret, b.secret].filter((s) => s.created)).toHaveLength(1);
    expect(a.secret.source).toBe('database');
    await expect(fs.access(path.join(one, KEY_SECRET_FILE))).rejects.toThrow();
    expect(a.warnings).toEqual([]);
  });

  test('an existing secret file is adopted, so that the ids stay; the variable still overrides', async () => {
    const dir = await fresh();
    const before = await serviceKeys({ apiKeys: KEYS, dataDir: dir, keySecret: undefined }, roles);
    const store = new InMemoryEventStore();
    const adopted = await serviceKeys(
      { apiKeys: KEYS, dataDir: dir, keySecret: undefined, secretStore: store },
      roles,
    );
    expect([...adopted.principals]).toEqual([...before.principals]);
    expect(adopted.secret).toEqual({ source: 'database', created: false });
    // Another process with no file (or another one) on the same store: the same ids.
    const other = await serviceKeys(
      { apiKeys: KEYS, dataDir: await fresh(), keySecret: undefined, secretStore: store },
      roles,
    );
    expect([...other.principals]).toEqual([...before.principals]);
    const overridden = await serviceKeys(
      { apiKeys: KEYS, dataDir: dir, keySecret: SECRET, secretStore: store },
      roles,
    );
    expect(overridden.secret.source).toBe('variable');
    expect([...overridden.principals]).not.toEqual([...before.principals]);
  });

  test('a secret file that differs from the kept secret is named in a warning', async () => {
    const store = new InMemoryEventStore();
    await store.keepKeySecret('k'.repeat(40));
    const dir = await fresh();
    await fs.writeFile(path.join(dir, KEY_SECRET_FILE), `${'f'.repeat(40)}\n`, { mode: 0o600 });
    const set = await serviceKeys(
      { apiKeys: KEYS, dataDir: dir, keySecret: undefined, secretStore: store },
      roles,
    );
    expect(set.warnings).toEqual([
      expect.stringContaining('differs from the key secret kept in the database'),
    ]);
  });
});

describe('the key secret', () => {
  test('without its variable, one is made on first start (0600) and kept: ids are the same after a restart', async () => {
    const dir = await fresh();
    const first = await serviceKeys({ apiKeys: KEYS, dataDir: dir, keySecret: undefined }, roles);
    expect(first.secret).toEqual({ source: 'file', file: path.join(dir, KEY_SECRET_FILE), created: true });
    expect(await modeOf(path.join(dir, KEY_SECRET_FILE))).toBe('600');
    expect((await fs.readFile(path.join(dir, KEY_SECRET_FILE), 'utf8')).trim().length).toBeGreaterThanOrEqual(
      32,
    );
    const again = await serviceKeys({ apiKeys: KEYS, dataDir: dir, keySecret: undefined }, roles);
    expect(again.secret.created).toBe(false);
    expect([...again.principals]).toEqual([...first.principals]);
  });

  test('starts racing on a fresh folder agree on one secret and one key file', async () => {
    const dir = await fresh();
    const all = await Promise.all(
      [1, 2, 3, 4].map(() => serviceKeys({ apiKeys: undefined, dataDir: dir, keySecret: undefined }, roles)),
    );
    for (const set of all) expect([...set.principals]).toEqual([...(all[0]?.principals ?? [])]);
    expect(all.filter((s) => s.secret.created)).toHaveLength(1);
    expect(await modeOf(path.join(dir, KEY_FILE))).toBe('600');
  });

  test('with its variable, no file is made, and processes with other data folders get the same ids', async () => {
    const [one, two] = [await fresh(), await fresh()];
    const a = await serviceKeys({ apiKeys: KEYS, dataDir: one, keySecret: SECRET }, roles);
    const b = await serviceKeys({ apiKeys: KEYS, dataDir: two, keySecret: SECRET }, roles);
    expect(a.secret).toEqual({ source: 'variable', created: false });
    expect([...a.principals]).toEqual([...b.principals]);
    await expect(fs.access(path.join(one, KEY_SECRET_FILE))).rejects.toThrow();
    // Another secret, other ids: the id is a keyed hash, not a hash of the key alone.
    const c = await serviceKeys({ apiKeys: KEYS, dataDir: one, keySecret: 'y'.repeat(40) }, roles);
    expect(c.principals.get(KEYS[0]!.key)?.id).not.toBe(a.principals.get(KEYS[0]!.key)?.id);
  });

  test('on PostgreSQL without its variable, a warning says that every process must share it', async () => {
    const dir = await fresh();
    const set = await serviceKeys(
      { apiKeys: KEYS, dataDir: dir, keySecret: undefined, databaseUrl: 'postgres://db/x' },
      roles,
    );
    expect(set.warnings).toEqual([
      expect.stringMatching(/^TEST_KEY_SECRET is not set: .*every process/) as unknown,
    ]);
    const withSecret = await serviceKeys(
      { apiKeys: KEYS, dataDir: dir, keySecret: SECRET, databaseUrl: 'postgres://db/x' },
      roles,
    );
    expect(withSecret.warnings).toEqual([]);
  });

  test('a secret file readable by others is tightened to 0600, with a warning; a short one is refused', async () => {
    const dir = await fresh();
    await serviceKeys({ apiKeys: KEYS, dataDir: dir, keySecret: undefined }, roles);
    await fs.chmod(path.join(dir, KEY_SECRET_FILE), 0o644);
    const again = await serviceKeys({ apiKeys: KEYS, dataDir: dir, keySecret: undefined }, roles);
    expect(again.warnings).toEqual([
      expect.stringMatching(/readable by others \(mode 0644\); it is now 0600/) as unknown,
    ]);
    expect(await modeOf(path.join(dir, KEY_SECRET_FILE))).toBe('600');
    await fs.writeFile(path.join(dir, KEY_SECRET_FILE), 'short\n', { mode: 0o600 });
    await expect(serviceKeys({ apiKeys: KEYS, dataDir: dir, keySecret: undefined }, roles)).rejects.toThrow(
      /at least 32 characters/,
    );
  });
});

test('a key shorter than 16 characters gets a warning naming its role and length, never the key', async () => {
  const dir = await fresh();
  const set = await serviceKeys(
    {
      apiKeys: [
        { key: 'short-key', role: 'user' },
        { key: 'exactly-16-chars', role: 'admin' },
      ],
      dataDir: dir,
      keySecret: SECRET,
    },
    roles,
  );
  expect(set.warnings).toEqual([expect.stringMatching(/^a user key is only 9 characters long/) as unknown]);
  expect(set.warnings.join()).not.toContain('short-key');
});
