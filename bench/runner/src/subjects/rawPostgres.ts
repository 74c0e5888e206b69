// node-postgres with a plain events table: the practical limit of PostgreSQL on this machine. A pool of
// 32 (one connection per caller), one statement per append (autocommit, synchronous_commit on), the
// expected version checked in that statement and by a unique (stream, version). Its "projection" reads
// batches by position and writes balances and checkpoint in one transaction: fine once the writers
// stopped, but not safe beside concurrent writers (a bigserial commits out of order), which Janus is.
import pg from 'pg';
import type { BenchEvent, OpenSubject } from '../subject.js';
import { versionsOf } from '../versions.js';

const SCHEMA = `
  CREATE TABLE events (
    position bigserial PRIMARY KEY,
    stream_id text NOT NULL,
    version integer NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    UNIQUE (stream_id, version)
  );
  CREATE TABLE balances (stream_id text PRIMARY KEY, balance bigint NOT NULL);
  CREATE TABLE checkpoints (name text PRIMARY KEY, position bigint NOT NULL);
`;

/** Inserts the events after `$2` (the expected version) only while the stream is at that version. */
const APPEND = `
  INSERT INTO events (stream_id, version, type, data)
  SELECT $1, $2 + e.ordinality, e.type, e.data
    FROM unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS e(type, data, ordinality)
   WHERE (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1) = $2`;

const CATCH_UP_BATCH = 1000;
const RETRIES = 20;

class Conflict extends Error {}

export const openRawPostgres: OpenSubject = async ({ pgUrl }) => {
  const pool = new pg.Pool({ connectionString: pgUrl, max: 32 });
  pool.on('error', () => undefined);
  await pool.query(SCHEMA);

  const append = async (streamId: string, events: readonly BenchEvent[], expected: number) => {
    try {
      const { rowCount } = await pool.query(APPEND, [
        streamId,
        expected,
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
      ]);
      if (rowCount !== events.length) throw new Conflict(`${streamId} is not at version ${expected}`);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new Conflict(`${streamId} moved meanwhile`);
      throw error;
    }
  };
  const load = async (streamId: string) => {
    const { rows } = await pool.query<{ amount: number }>(
      `SELECT (data->>'amount')::integer AS amount FROM events WHERE stream_id = $1 ORDER BY version`,
      [streamId],
    );
    return { version: rows.length, balance: rows.reduce((sum, row) => sum + row.amount, 0) };
  };

  return {
    system: 'raw driver',
    store: 'postgres',
    version: versionsOf('pg'),
    appendToNewStream: (streamId, e) => append(streamId, [e], 0),
    appendExpecting: (streamId, e, expectedVersion) => append(streamId, [e], expectedVersion),
    appendMany: (streamId, events) => append(streamId, events, 0),
    rehydrate: async (streamId) => (await load(streamId)).balance,
    async deposit(accountId, amount) {
      for (let attempt = 1; ; attempt++) {
        const { version } = await load(accountId);
        if (version === 0) throw new Error(`no account ${accountId}`);
        try {
          await append(accountId, [{ type: 'Deposited', data: { amount } }], version);
          return;
        } catch (error) {
          if (!(error instanceof Conflict) || attempt === RETRIES) throw error;
        }
      }
    },
    async openAccounts(count) {
      await pool.query(
        `INSERT INTO events (stream_id, version, type, data)
         SELECT 'account-' || i, 1, 'Deposited', '{"amount":100}' FROM generate_series(0, $1 - 1) AS i`,
        [count],
      );
    },
    async catchUp() {
      const client = await pool.connect();
      try {
        let processed = 0;
        for (;;) {
          await client.query('BEGIN');
          const { rows } = await client.query<{ position: string; stream_id: string; amount: number }>(
            `SELECT position, stream_id, (data->>'amount')::integer AS amount FROM events
              WHERE position > coalesce((SELECT position FROM checkpoints WHERE name = 'balances'), 0)
              ORDER BY position LIMIT $1`,
            [CATCH_UP_BATCH],
          );
          const last = rows.at(-1);
          if (!last) {
            await client.query('COMMIT');
            return processed;
          }
          const sums = new Map<string, number>();
          for (const row of rows) sums.set(row.stream_id, (sums.get(row.stream_id) ?? 0) + row.amount);
          await client.query(
            `INSERT INTO balances (stream_id, balance) SELECT * FROM unnest($1::text[], $2::bigint[])
             ON CONFLICT (stream_id) DO UPDATE SET balance = balances.balance + excluded.balance`,
            [[...sums.keys()], [...sums.values()]],
          );
          await client.query(
            `INSERT INTO checkpoints (name, position) VALUES ('balances', $1)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
            [last.position],
          );
          await client.query('COMMIT');
          processed += rows.length;
        }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
};
