import type { Database, Statement } from 'better-sqlite3';

type Params = unknown[];

/** Statements an SQL projection ran, by connection and SQL text, so each is prepared once. */
const cache = new WeakMap<Database, Map<string, Statement<Params, Record<string, unknown>>>>();
/** Enough for every statement of many projections; SQL built with values inside is evicted oldest first. */
const CACHE_SIZE = 500;

function prepared(db: Database, sql: string): Statement<Params, Record<string, unknown>> {
  let statements = cache.get(db);
  if (!statements)
    cache.set(db, (statements = new Map<string, Statement<Params, Record<string, unknown>>>()));
  let statement = statements.get(sql);
  if (statement) return statement;
  statement = db.prepare<Params, Record<string, unknown>>(sql);
  if (statements.size >= CACHE_SIZE) statements.delete(statements.keys().next().value ?? '');
  statements.set(sql, statement);
  return statement;
}

/**
 * What an SQL projection sees of SQLite: synchronous statements, and `table(name)` for the real name of
 * one of its tables in the generation being written (or, for queries, the active one).
 */
export class SqliteTx {
  constructor(
    private readonly db: Database,
    private readonly projection: string,
    private readonly generation: () => number,
  ) {}

  /** The qualified name of one of the projection's tables, e.g. `rm_bank_balances_g2_balances`. */
  table(name: string): string {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new TypeError(`invalid table name '${name}'`);
    const prefix = this.projection.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    return `"rm_${prefix}_g${this.generation()}_${name}"`;
  }

  run(sql: string, ...params: Params): { changes: number } {
    const { changes } = prepared(this.db, sql).run(...params);
    return { changes };
  }

  /** The first row, or undefined. Integers come back as bigint (the connection is set to safe integers). */
  get(sql: string, ...params: Params): Record<string, unknown> | undefined {
    return prepared(this.db, sql).get(...params);
  }

  all(sql: string, ...params: Params): Record<string, unknown>[] {
    return prepared(this.db, sql).all(...params);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }
}
