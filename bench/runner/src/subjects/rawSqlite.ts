// better-sqlite3 with a plain events table: the practical limit of SQLite on this machine. WAL and
// synchronous=FULL like Janus; a global position (the row id) and a unique (stream, version); the expected
// version is checked inside each append's transaction. No group commit: one transaction per append.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import type { BenchEvent, OpenSubject } from '../subject.js';
import { versionsOf } from '../versions.js';

const SCHEMA = `
  CREATE TABLE events (
    position INTEGER PRIMARY KEY,
    stream_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (stream_id, version)
  );
  CREATE TABLE balances (stream_id TEXT PRIMARY KEY, balance INTEGER NOT NULL);
  CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
`;

const CATCH_UP_BATCH = 1000;

export const openRawSqlite: OpenSubject = ({ dir }) => {
  const db = new Sqlite(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const versionOf = db.prepare<[string], { version: number | null }>(
    'SELECT max(version) AS version FROM events WHERE stream_id = ?',
  );
  const insert = db.prepare('INSERT INTO events (stream_id, version, type, data) VALUES (?, ?, ?, ?)');
  const readStream = db.prepare<[string], { data: string }>(
    'SELECT data FROM events WHERE stream_id = ? ORDER BY version',
  );
  const readAfter = db.prepare<[number, number], { position: number; stream_id: string; data: string }>(
    'SELECT position, stream_id, data FROM events WHERE position > ? ORDER BY position LIMIT ?',
  );
  const addToBalance = db.prepare(
    `INSERT INTO balances (stream_id, balance) VALUES (?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET balance = balance + excluded.balance`,
  );
  const checkpointOf = db.prepare<[], { position: number }>(
    `SELECT position FROM checkpoints WHERE name = 'balances'`,
  );
  const saveCheckpoint = db.prepare(
    `INSERT INTO checkpoints (name, position) VALUES ('balances', ?)
     ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
  );

  const append = db.transaction((streamId: string, events: readonly BenchEvent[], expected: number) => {
    const current = versionOf.get(streamId)?.version ?? 0;
    if (current !== expected) throw new Error(`${streamId} is at version ${current}, not ${expected}`);
    events.forEach((e, i) => insert.run(streamId, expected + i + 1, e.type, JSON.stringify(e.data)));
  });
  const sumOf = (streamId: string) => {
    const rows = readStream.all(streamId);
    return { version: rows.length, balance: rows.reduce((sum, row) => sum + amountOf(row.data), 0) };
  };
  const project = db.transaction((rows: readonly { position: number; stream_id: string; data: string }[]) => {
    for (const row of rows) addToBalance.run(row.stream_id, amountOf(row.data));
    saveCheckpoint.run(rows.at(-1)?.position ?? 0);
  });

  return Promise.resolve({
    system: 'raw driver',
    store: 'sqlite' as const,
    version: versionsOf('better-sqlite3'),
    appendToNewStream: (streamId, e) =>
      settle(() => {
        append.immediate(streamId, [e], 0);
      }),
    appendExpecting: (streamId, e, expectedVersion) =>
      settle(() => {
        append.immediate(streamId, [e], expectedVersion);
      }),
    appendMany: (streamId, events) =>
      settle(() => {
        append.immediate(streamId, events, 0);
      }),
    rehydrate: (streamId) => settle(() => sumOf(streamId).balance),
    deposit: (accountId, amount) =>
      settle(() => {
        const { version } = sumOf(accountId);
        if (version === 0) throw new Error(`no account ${accountId}`);
        append.immediate(accountId, [{ type: 'Deposited', data: { amount } }], version);
      }),
    openAccounts: (count) =>
      settle(() => {
        db.transaction(() => {
          for (let i = 0; i < count; i++) insert.run(`account-${i}`, 1, 'Deposited', '{"amount":100}');
        }).immediate();
      }),
    catchUp: () =>
      settle(() => {
        let processed = 0;
        for (;;) {
          const rows = readAfter.all(checkpointOf.get()?.position ?? 0, CATCH_UP_BATCH);
          if (rows.length === 0) return processed;
          project.immediate(rows);
          processed += rows.length;
        }
      }),
    close: () =>
      settle(() => {
        db.close();
      }),
  });
};

const amountOf = (data: string) => (JSON.parse(data) as BenchEvent['data']).amount;

/** better-sqlite3 is synchronous: its result, or what it threw, as a promise. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
