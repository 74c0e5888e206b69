import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeEventStoreConformance } from '@janus/conformance';
import { afterAll } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';

// Every store gets a fresh file in its own temporary folder; the folders go when the suite is done.
const folders: string[] = [];
const files = new WeakMap<object, string>();

afterAll(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

describeEventStoreConformance('SqliteEventStore', {
  async create(options) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-conformance-'));
    folders.push(folder);
    const file = path.join(folder, 'events.db');
    const store = await SqliteEventStore.open(file, options);
    files.set(store, file);
    return store;
  },
  async reopen(store, options) {
    const file = files.get(store);
    if (file === undefined) throw new Error('reopen: not a store this target created');
    const reopened = await SqliteEventStore.open(file, options);
    files.set(reopened, file);
    return reopened;
  },
});
