import type { Database, Statement } from 'better-sqlite3';
import type { StoredEventRow, StoredIdempotencyRow } from '@janus/core/store-kit';

// The SQL of the SQLite event store, prepared once per connection.

/** An event as read: an array rather than an object per row (raw mode), which SQLite returns faster. */
type EventRow = StoredEventRow;

const EVENT_COLUMNS = 'position, event_id, stream_id, version, type, data, metadata, recorded_at';
/** A stream read leaves the stream id out: the caller knows it, and a string per row costs time. */
const STREAM_EVENT_COLUMNS = 'position, event_id, NULL, version, type, data, metadata, recorded_at';

/** The statements of the store: what each binds, and the row it answers. */
export interface SqliteStatements {
  readonly insertEvent: Statement<[string, string, number, string, string | null, string, string]>;
  readonly upsertStream: Statement<[string, number, bigint]>;
  readonly streamHead: Statement<[string], { version: bigint; position: bigint }>;
  readonly findEvent: Statement<[string], { stream_id: string; version: bigint; position: bigint }>;
  readonly readStream: Record<'forward' | 'backward', Statement<[string, number], EventRow>>;
  readonly readStreamLimited: Record<'forward' | 'backward', Statement<[string, number, number], EventRow>>;
  readonly readAll: Statement<[bigint, number], EventRow>;
  readonly head: Statement<[], bigint | null>;
  readonly listStreams: Statement<
    [string, string, string, number],
    { stream_id: string; version: bigint; position: bigint }
  >;
  readonly readSnapshot: Statement<[string, string], { version: bigint; state: string | null }>;
  readonly readKey: Statement<[string, string, number], StoredIdempotencyRow>;
  readonly putKey: Statement<
    [string, string, string, string, string, number, bigint | null, string | null, string | null]
  >;
  readonly setAnswer: Statement<[string, string, string]>;
  readonly deleteExpiredKeys: Statement<[number]>;
  readonly keepKeySecret: Statement<[string]>;
  readonly keySecret: Statement<[], { secret: string }>;
  readonly writeSnapshot: Statement<[string, string, number, string | null]>;
}

/** The statements of the store, prepared once. */
export function prepareStatements(db: Database): SqliteStatements {
  return {
    insertEvent: db.prepare<[string, string, number, string, string | null, string, string]>(
      `INSERT INTO events (event_id, stream_id, version, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertStream: db.prepare<[string, number, bigint]>(
      `INSERT INTO streams (stream_id, version, position) VALUES (?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, position = excluded.position`,
    ),
    streamHead: db.prepare<[string], { version: bigint; position: bigint }>(
      'SELECT version, position FROM streams WHERE stream_id = ?',
    ),
    findEvent: db.prepare<[string], { stream_id: string; version: bigint; position: bigint }>(
      'SELECT stream_id, version, position FROM events WHERE event_id = ?',
    ),
    readStream: {
      forward: db
        .prepare<[string, number], EventRow>(
          `SELECT ${STREAM_EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version`,
        )
        .raw(),
      backward: db
        .prepare<[string, number], EventRow>(
          `SELECT ${STREAM_EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version <= ? ORDER BY version DESC`,
        )
        .raw(),
    },
    readStreamLimited: {
      forward: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${STREAM_EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?`,
        )
        .raw(),
      backward: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${STREAM_EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version <= ? ORDER BY version DESC LIMIT ?`,
        )
        .raw(),
    },
    readAll: db
      .prepare<[bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      )
      .raw(),
    head: db.prepare<[], bigint | null>('SELECT max(position) FROM events').pluck(),
    listStreams: db.prepare<
      [string, string, string, number],
      { stream_id: string; version: bigint; position: bigint }
    >(
      `SELECT stream_id, version, position FROM streams
        WHERE stream_id > ? AND stream_id >= ? AND stream_id < ? ORDER BY stream_id LIMIT ?`,
    ),
    readSnapshot: db.prepare<[string, string], { version: bigint; state: string | null }>(
      'SELECT version, state FROM snapshots WHERE stream_id = ? AND name = ?',
    ),
    readKey: db.prepare<[string, string, number], StoredIdempotencyRow>(
      `SELECT scope, key, fingerprint, message_id, issued_at, expires_at, first_position, read_versions, answer
         FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at > ?`,
    ),
    putKey: db.prepare<
      [string, string, string, string, string, number, bigint | null, string | null, string | null]
    >(
      `INSERT OR REPLACE INTO idempotency_keys
         (scope, key, fingerprint, message_id, issued_at, expires_at, first_position, read_versions, answer)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setAnswer: db.prepare<[string, string, string]>(
      'UPDATE idempotency_keys SET answer = ? WHERE scope = ? AND key = ? AND answer IS NULL',
    ),
    deleteExpiredKeys: db.prepare<[number]>('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
    keepKeySecret: db.prepare<[string]>('INSERT OR IGNORE INTO key_secret (id, secret) VALUES (1, ?)'),
    keySecret: db.prepare<[], { secret: string }>('SELECT secret FROM key_secret WHERE id = 1'),
    writeSnapshot: db.prepare<[string, string, number, string | null]>(
      `INSERT INTO snapshots (stream_id, name, version, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream_id, name) DO UPDATE SET version = excluded.version, state = excluded.state`,
    ),
  };
}
