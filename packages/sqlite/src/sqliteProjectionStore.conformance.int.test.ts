import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeProjectionStoreConformance } from '@janus/conformance';
import { afterAll } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';

// Every store is the read side of a fresh file in a temporary folder of its own; the folders go when the
// suite is done.
const folders: string[] = [];
const files = new WeakMap<object, string>();

afterAll(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

async function openFile(file: string) {
  const events = await SqliteEventStore.open(file);
  files.set(events.projections, file);
  return { store: events.projections, close: () => events.close() };
}

describeProjectionStoreConformance('SqliteProjectionStore', {
  create() {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-projections-'));
    folders.push(folder);
    return openFile(path.join(folder, 'events.db'));
  },
  reopen(store) {
    const file = files.get(store);
    if (file === undefined) throw new Error('reopen: not a store this target created');
    return openFile(file);
  },
  beside(store) {
    const file = files.get(store);
    if (file === undefined) throw new Error('beside: not a store this target created');
    return openFile(file);
  },
  sql: {
    // The reader comes first: it tells TypeScript the transaction type of the others.
    reader: (store, name) => store.sql(name),
    table: (tx, name) => tx.table(name),
    run: (tx, sql, params) => void tx.run(sql, ...params),
    all: (tx, sql, params) => tx.all(sql, ...params),
  },
});
