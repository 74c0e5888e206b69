import type pg from 'pg';

/**
 * What an SQL projection sees of PostgreSQL: queries in the projection's transaction, and `table(name)`
 * for the qualified name of one of its tables in the generation being written (or, for queries, the
 * active one).
 */
export class PgTx {
  constructor(
    private readonly client: pg.ClientBase | pg.Pool,
    private readonly schema: string,
    private readonly projection: string,
    private readonly generation: () => Promise<number> | number,
  ) {}

  /** The qualified name of one of the projection's tables, e.g. `"janus"."rm_bank_balances_g2_balances"`. */
  async table(name: string): Promise<string> {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new TypeError(`invalid table name '${name}'`);
    const prefix = this.projection.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    return `"${this.schema}"."rm_${prefix}_g${await this.generation()}_${name}"`;
  }

  /** Rows as objects; int8 columns come back as bigint. */
  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const { rows } = await this.client.query<Record<string, unknown>>(sql, [...params]);
    return rows;
  }
}
