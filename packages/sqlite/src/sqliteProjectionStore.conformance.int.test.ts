import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeProjectionStoreConformance } from '@janus/conformance';
import { SqliteEventStore } from './sqliteEventStore.js';

// Every store is the read side of a fresh file in a temporary folder of its own, removed when it closes.
describeProjectionStoreConformance('SqliteProjectionStore', {
  async create() {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-projections-'));
    const events = await SqliteEventStore.open(path.join(folder, 'events.db'));
    return {
      store: events.projections,
      close: async () => {
        await events.close();
        fs.rmSync(folder, { recursive: true, force: true });
      },
    };
  },
  sql: {
    // The reader comes first: it tells TypeScript the transaction type of the others.
    reader: (store, name) => store.sql(name),
    table: (tx, name) => tx.table(name),
    run: (tx, sql, params) => void tx.run(sql, ...params),
    all: (tx, sql, params) => tx.all(sql, ...params),
  },
});
