import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  ApiKeysError,
  KEY_FILE,
  loadOrCreateKeyFile as keyFile,
  parseApiKeys as parseKeys,
  parseKeyFile as parseFile,
  principalOf,
  principalsByKey,
} from '@janus/service';
import { bankRoles, customerOfRole, parseRole } from './roles.js';

const parseApiKeys = (text: string) => parseKeys(text, bankRoles);
const parseKeyFile = (text: string, file: string) => parseFile(text, file, bankRoles);
const loadOrCreateKeyFile = (dataDir: string) => keyFile(dataDir, bankRoles);

const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiKeysError) return error.problems;
    throw error;
  }
  throw new Error('accepted');
};

describe('BANK_API_KEYS', () => {
  test('comma-separated key=role pairs, spaces around them ignored', () => {
    expect(parseApiKeys('k1=teller,k2=auditor, k3=customer:alice ')).toEqual([
      { key: 'k1', role: 'teller' },
      { key: 'k2', role: 'auditor' },
      { key: 'k3', role: 'customer:alice' },
    ]);
  });

  test('a key may end in "=" (base64): the role follows the last one', () => {
    expect(parseApiKeys('c2VjcmV0==teller')).toEqual([{ key: 'c2VjcmV0=', role: 'teller' }]);
  });

  test('every bad pair is named, and no key is ever echoed', () => {
    const problems = problemsOf(() =>
      parseApiKeys(
        'secret1=admin,,secret2,secret3=customer:,secret4=customer:bob smith,x y=teller,k=teller,k=auditor',
      ),
    );
    expect(problems).toEqual([
      "pair 1: unknown role 'admin'; a role is teller, auditor or customer:<customerId> (customerId: 1-64 of A-Z a-z 0-9 _ -)",
      'pair 2 is empty (two commas in a row, or a comma at an end)',
      "pair 3 has no '=': write key=role",
      expect.stringMatching(/^pair 4: unknown role 'customer:'/),
      expect.stringMatching(/^pair 5: unknown role 'customer:bob smith'/),
      'pair 6: a key is 1 to 512 visible ASCII characters, without spaces or commas',
      'pair 8: the same key is given twice',
    ]);
    expect(problems.join()).not.toMatch(/secret/);
  });

  test('roles', () => {
    expect(parseRole('teller')).toBe('teller');
    expect(parseRole('customer:alice_2')).toBe('customer:alice_2');
    expect(parseRole('Teller')).toBeUndefined();
    expect(parseRole(`customer:${'a'.repeat(65)}`)).toBeUndefined();
    expect(customerOfRole('customer:alice')).toBe('alice');
    expect(customerOfRole('auditor')).toBeUndefined();
  });

  test('principals: the role, and an id that tells keys apart without being the key', () => {
    const secret = 's'.repeat(32);
    const a = principalOf({ key: 'k1', role: 'teller' }, secret);
    const b = principalOf({ key: 'k2', role: 'teller' }, secret);
    expect(a.roles).toEqual(['teller']);
    expect(a.id).toMatch(/^teller#[0-9a-f]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(principalOf({ key: 'k1', role: 'teller' }, secret)).toEqual(a);
    expect(principalsByKey([{ key: 'k3', role: 'customer:alice' }], secret).get('k3')?.roles).toEqual([
      'customer:alice',
    ]);
  });

  test('a principal id was a plain hash of the key, so a guessed key could be checked offline; now it needs the secret', () => {
    const key = 'guessable-key-1';
    const plainHash = createHash('sha256').update(key).digest('hex');
    const id = principalOf({ key, role: 'teller' }, 'a'.repeat(32)).id;
    expect(plainHash.startsWith(id.slice('teller#'.length))).toBe(false);
    expect(principalOf({ key, role: 'teller' }, 'b'.repeat(32)).id).not.toBe(id);
  });
});

describe('the key file', () => {
  const dirs: string[] = [];
  const fresh = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-keys-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
  });

  test('first start: a random teller and auditor key, in a 0600 file (the folder is made)', async () => {
    const dir = await fresh();
    const made = await loadOrCreateKeyFile(dir);
    expect(made).toMatchObject({
      source: 'file',
      file: path.join(dir, KEY_FILE),
      created: true,
      warnings: [],
    });
    expect(made.keys.map((k) => k.role)).toEqual(['teller', 'auditor']);
    for (const { key } of made.keys) expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(made.keys[0]?.key).not.toBe(made.keys[1]?.key);
    expect((await fs.stat(path.join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual([KEY_FILE]); // no temporary file left behind
  });

  test('later starts reuse the keys', async () => {
    const dir = await fresh();
    const made = await loadOrCreateKeyFile(dir);
    const again = await loadOrCreateKeyFile(dir);
    expect(again).toMatchObject({ created: false, keys: made.keys });
  });

  test('concurrent first starts agree on one set of keys', async () => {
    const dir = await fresh();
    const all = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateKeyFile(dir)));
    for (const set of all) expect(set.keys).toEqual(all[0]?.keys);
    expect(all.filter((s) => s.created)).toHaveLength(1);
  });

  test('a file readable by others is tightened to 0600, with a warning', async () => {
    const dir = await fresh();
    await loadOrCreateKeyFile(dir);
    await fs.chmod(path.join(dir, KEY_FILE), 0o644);
    const again = await loadOrCreateKeyFile(dir);
    expect(again.warnings).toEqual([
      expect.stringContaining('was readable by others (mode 0644); it is now 0600'),
    ]);
    expect((await fs.stat(path.join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
  });

  test('a broken file is an error that says what to do', () => {
    expect(problemsOf(() => parseKeyFile('{', 'f.json'))).toEqual([
      'fix it, or delete it to have new keys made on the next start',
    ]);
    expect(problemsOf(() => parseKeyFile('{"keys":[]}', 'f.json'))[0]).toMatch(/at least one/);
    expect(
      problemsOf(() => parseKeyFile('{"keys":[{"key":"a","role":"root"},{"role":"teller"}]}', 'f.json')),
    ).toEqual([expect.stringMatching(/^keys\[0\]: unknown role/), 'keys[1]: has no "key" string']);
  });
});
