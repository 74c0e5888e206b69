import type { Database } from 'better-sqlite3';

type Params = unknown[];

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
    const { changes } = this.db.prepare(sql).run(...params);
    return { changes };
  }

  /** The first row, or undefined. Integers come back as bigint (the connection is set to safe integers). */
  get(sql: string, ...params: Params): Record<string, unknown> | undefined {
    return this.db.prepare<Params, Record<string, unknown>>(sql).get(...params);
  }

  all(sql: string, ...params: Params): Record<string, unknown>[] {
    return this.db.prepare<Params, Record<string, unknown>>(sql).all(...params);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }
}
