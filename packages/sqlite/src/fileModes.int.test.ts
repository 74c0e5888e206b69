// The database file and its -wal and -shm companions hold every event: they were created readable by
// every user of the machine (0644 under the usual umask). Now they are created 0600, whatever the umask,
// and existing ones open to others are tightened to 0600.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-sqlite-modes-'));
  umask = process.umask(0o002); // the most permissive umask in common use
});
afterEach(() => {
  process.umask(umask);
  fs.rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

test('a new database file, its -wal and its -shm are created with mode 0600', async () => {
  const file = path.join(dir, 'events.db');
  const store = await SqliteEventStore.open(file);
  try {
    await store.append('s-1', [{ type: 'Happened', data: {} }], { expectedVersion: 'no_stream' });
    for (const name of ['events.db', 'events.db-wal', 'events.db-shm']) {
      expect(modeOf(path.join(dir, name)).toString(8), name).toBe('600');
    }
  } finally {
    await store.close();
  }
});

test('an existing database file, -wal or -shm open to others is tightened to 0600, with a notice', async () => {
  const file = path.join(dir, 'shared.db');
  await (await SqliteEventStore.open(file)).close();
  fs.chmodSync(file, 0o640);
  fs.writeFileSync(`${file}-wal`, '', { mode: 0o644 });
  fs.chmodSync(`${file}-wal`, 0o644);
  const store = await SqliteEventStore.open(file);
  try {
    expect(modeOf(file).toString(8)).toBe('600');
    expect(modeOf(`${file}-wal`).toString(8)).toBe('600');
    expect(store.notices).toEqual([
      `${file} was open to other users (mode 0640); it is now 0600`,
      `${file}-wal was open to other users (mode 0644); it is now 0600`,
    ]);
  } finally {
    await store.close();
  }
  const again = await SqliteEventStore.open(file);
  expect(again.notices).toEqual([]);
  await again.close();
});
