// The real service as a child process (`node apps/bank/dist/main.js`; build first): the generated keys
// were printed on every start, so every collected log held them; the files of the data folder were
// readable by every user of the machine but the key file; a short key went unnoticed. Now the keys are
// printed only by the start that makes them, every file it makes is 0600 (the folder 0700), the principal
// ids stay the same across restarts, and a key shorter than 16 characters is a warning line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { killChildren, startBankProcess } from '../testing/bankProcess.js';

const folders: string[] = [];
afterAll(async () => {
  killChildren();
  await Promise.all(folders.map((dir) => fs.promises.rm(dir, { recursive: true, force: true })));
});

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

async function consoleSession(url: string, key: string): Promise<unknown> {
  const response = await fetch(`${url}/admin/api/session`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: unknown }).id;
}

test('generated keys are printed by the start that makes them only; the data folder is private', async () => {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bank-keys-')), 'data');
  folders.push(path.dirname(dataDir));
  const first = await startBankProcess(dataDir);
  // Read from api-keys.json.
  const keys = Object.values(first.keys);
  expect(keys).toHaveLength(2);
  for (const key of keys) expect(first.stdout()).toContain(key);
  const tellerId = await consoleSession(first.url, keys[0] ?? '');
  // A deposit makes the -wal and -shm files appear beside the database.
  await fetch(`${first.url}/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[0] ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'alice', type: 'checking', initialDeposit: '10' }),
  });
  for (const file of ['api-keys.json', 'bank.db', 'bank.db-wal', 'bank.db-shm']) {
    expect(modeOf(path.join(dataDir, file)), file).toBe('600');
  }
  // The key secret is kept in the database, not in a file of its own.
  expect(fs.existsSync(path.join(dataDir, 'key-secret'))).toBe(false);
  expect(modeOf(dataDir)).toBe('700');
  await first.stop();

  const second = await startBankProcess(dataDir);
  try {
    for (const key of keys) expect(second.stdout()).not.toContain(key);
    expect(second.stdout()).toContain(`API keys: 2 kept in ${path.join(dataDir, 'api-keys.json')}`);
    // The key secret was kept: the same key is the same principal (idempotency keys are scoped by it).
    expect(await consoleSession(second.url, keys[0] ?? '')).toBe(tellerId);
  } finally {
    await second.stop();
  }
});

test('a key shorter than 16 characters is a warning line at start-up that does not show the key', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bank-keys-'));
  folders.push(dataDir);
  const started = await startBankProcess(dataDir, {
    variables: { BANK_API_KEYS: 'tiny-key=teller,a-long-enough-auditor-key=auditor' },
  });
  // Once it has ended, all it printed is read.
  expect(await started.stop()).toEqual({ code: 0, signal: null });
  expect(started.stdout()).toMatch(/^Warning: a teller key is only 8 characters long/m);
  expect(started.stdout()).not.toMatch(/auditor key is only/);
  expect(started.stdout()).not.toContain('tiny-key');
});
