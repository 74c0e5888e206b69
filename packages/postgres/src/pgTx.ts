import { createHash } from 'node:crypto';
import type pg from 'pg';
import { orUnavailable } from './connectionFailure.js';

/** PostgreSQL's limit on an identifier, in bytes: longer ones are cut, silently, to this length. */
const MAX_IDENTIFIER = 63;

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

  /**
   * The qualified name of one of the projection's tables, e.g. `"janus"."rm_bank_balances_g2_balances"`.
   * A name longer than PostgreSQL keeps (63 bytes) is cut and ends in a hash of the whole name instead:
   * cut by the server, the names of two generations or two tables could become one, and a rebuild would
   * drop the table queries read.
   */
  async table(name: string): Promise<string> {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new TypeError(`invalid table name '${name}'`);
    const prefix = this.projection.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    const full = `rm_${prefix}_g${await this.generation()}_${name}`;
    if (full.length <= MAX_IDENTIFIER) return `"${this.schema}"."${full}"`;
    const hash = createHash('sha256').update(`${this.projection}\0${full}`).digest('hex').slice(0, 16);
    return `"${this.schema}"."${full.slice(0, MAX_IDENTIFIER - hash.length - 1)}_${hash}"`;
  }

  /** Rows as objects; int8 columns come back as bigint. */
  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const { rows } = await orUnavailable(this.client.query<Record<string, unknown>>(sql, [...params]));
    return rows;
  }
}
