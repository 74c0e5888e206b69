import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '@janus/sqlite';

/** A temporary folder with an SQLite event store file in it, for one test. */
export class TempDatabase {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-cli-'));
  readonly file = path.join(this.dir, 'app.db');
  readonly #stores: SqliteEventStore[] = [];

  /** Opens (creating) the store in `file`, as the application would. */
  async open(): Promise<SqliteEventStore> {
    const store = await SqliteEventStore.open(this.file);
    this.#stores.push(store);
    return store;
  }

  async dispose(): Promise<void> {
    for (const store of this.#stores) await store.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
