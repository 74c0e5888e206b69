// SQL read models written once for both stores. A projection declares its DDL and, for each event, the
// statements to run (pure data: SQL with $1, $2… placeholders and {table} names); sqliteProjection and
// postgresProjection turn that into the store's own SQL projection, and a SqlReader runs queries against
// the active generation of its tables.
import { sqlProjection, type AnyEventDefinition, type EventOf, type RecordedEvent } from '@janus/core';
import type { SqlProjection } from '@janus/core';
import type { PgTx, PostgresProjectionStore } from '@janus/postgres';
import type { SqliteProjectionStore, SqliteTx } from '@janus/sqlite';

/** One SQL statement: `{name}` is one of the projection's tables, `$n` the n-th parameter. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface PortableSqlProjection<H extends readonly AnyEventDefinition[]> {
  readonly name: string;
  readonly version: number;
  readonly handles: H;
  readonly tables: readonly string[];
  /** CREATE TABLE statements, in SQL both SQLite and PostgreSQL understand. */
  readonly setup: readonly string[];
  /** The statements one event runs, in order: a pure function of the event. */
  readonly apply: (event: RecordedEvent<EventOf<H[number]>>) => readonly Statement[];
}

export type Row = Readonly<Record<string, unknown>>;

/** Reads the active generation of an SQL projection's tables. */
export interface SqlReader {
  rows(projection: string, sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

const TABLE = /\{([a-z][a-z0-9_]*)\}/g;

interface SqliteText {
  readonly sql: string;
  /** For each `?` in order, the index of its parameter. */
  readonly order: readonly number[];
}

/** SQL texts already turned into SQLite's: the same few statements run for every event. */
const sqliteTexts = new Map<string, SqliteText>();

/** PostgreSQL's `$n` parameters as SQLite's anonymous `?` (the driver binds them in order), tables named. */
function sqliteText(sql: string, tx: SqliteTx): SqliteText {
  const key = `${tx.table('x')}\0${sql}`;
  let text = sqliteTexts.get(key);
  if (!text) {
    const order: number[] = [];
    const named = sql.replace(TABLE, (_, name: string) => tx.table(name));
    text = {
      sql: named.replace(/\$([0-9]+)/g, (_, n: string) => {
        order.push(Number(n) - 1);
        return '?';
      }),
      order,
    };
    if (sqliteTexts.size > 1000) sqliteTexts.clear();
    sqliteTexts.set(key, text);
  }
  return text;
}

const bind = (text: SqliteText, params: readonly unknown[]): unknown[] => text.order.map((i) => params[i]);

async function postgresText(sql: string, tx: PgTx): Promise<string> {
  const names = [...new Set([...sql.matchAll(TABLE)].map((m) => m[1] ?? ''))];
  const qualified = new Map<string, string>();
  for (const name of names) qualified.set(name, await tx.table(name));
  return sql.replace(TABLE, (_, name: string) => qualified.get(name) ?? name);
}

/** The projection for the SQLite store (statements run synchronously, in the batch's transaction). */
export function sqliteProjection<H extends readonly AnyEventDefinition[]>(
  definition: PortableSqlProjection<H>,
): SqlProjection<SqliteTx> {
  return sqlProjection({
    name: definition.name,
    version: definition.version,
    handles: definition.handles,
    tables: definition.tables,
    setup: (tx: SqliteTx) => {
      for (const sql of definition.setup) tx.exec(sqliteText(sql, tx).sql);
    },
    apply: (event, tx: SqliteTx) => {
      for (const statement of definition.apply(event)) {
        const text = sqliteText(statement.sql, tx);
        tx.run(text.sql, ...bind(text, statement.params));
      }
    },
  });
}

/** The projection for the PostgreSQL store (statements run in the batch's transaction). */
export function postgresProjection<H extends readonly AnyEventDefinition[]>(
  definition: PortableSqlProjection<H>,
): SqlProjection<PgTx> {
  return sqlProjection({
    name: definition.name,
    version: definition.version,
    handles: definition.handles,
    tables: definition.tables,
    setup: async (tx: PgTx) => {
      for (const sql of definition.setup) await tx.query(await postgresText(sql, tx));
    },
    apply: async (event, tx: PgTx) => {
      for (const statement of definition.apply(event)) {
        await tx.query(await postgresText(statement.sql, tx), statement.params);
      }
    },
  });
}

export function sqliteReader(store: SqliteProjectionStore): SqlReader {
  return {
    rows: (projection, sql, params = []) => {
      const tx = store.sql(projection);
      const text = sqliteText(sql, tx);
      return Promise.resolve(tx.all(text.sql, ...bind(text, params)));
    },
  };
}

export function postgresReader(store: PostgresProjectionStore): SqlReader {
  return {
    rows: async (projection, sql, params = []) => {
      const tx = store.sql(projection);
      return tx.query(await postgresText(sql, tx), params);
    },
  };
}

/** An integer column as SQLite (bigint) or PostgreSQL (bigint, or a numeric string) answers it. */
export const integer = (value: unknown): number =>
  value === null || value === undefined ? 0 : Number(value);
