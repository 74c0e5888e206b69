import pg from 'pg';

const { INT8 } = pg.types.builtins;

/** int8 (positions) as bigint: never a lossy number, never a string. Every other type as pg parses it. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: Parameters<typeof pg.types.getTypeParser>[0], format?: 'text' | 'binary') => {
    if (oid === INT8 && format !== 'binary') return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format ?? 'text') as unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * What every connection is made with. A dead or unreachable host fails within 5 s instead of hanging the
 * requests that wait on it (for a pool, the same bound holds for waiting on a free connection); TCP
 * keepalive finds a peer that vanished without closing; and a session left idle inside a transaction
 * for 60 s is ended by the server, so it cannot hold its locks forever.
 */
export const CONNECTION_SETTINGS = {
  connectionTimeoutMillis: 5_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  idle_in_transaction_session_timeout: 60_000,
} as const satisfies pg.ClientConfig;

export interface PoolOptions {
  readonly max?: number;
  readonly applicationName?: string;
}

/** A connection pool that reads int8 as bigint, for one database. */
export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    ...CONNECTION_SETTINGS,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'janus',
    types,
  });
  // An idle connection the server ends (a restart, a fail-over, an operator) is reported as an 'error'
  // event of the pool, which would crash the process unheard; the pool drops that connection by itself
  // and the next query opens another, so there is nothing to do but listen.
  pool.on('error', () => undefined);
  return pool;
}

/** A single connection (for LISTEN, or an advisory lock held by a session) that reads int8 as bigint. */
export function createClient(connectionString: string): pg.Client {
  return new pg.Client({ connectionString, ...CONNECTION_SETTINGS, application_name: 'janus', types });
}

/**
 * A SQL identifier, quoted: for schema names that come from configuration. At most 48 characters, so
 * that the notification channels named after a schema stay within PostgreSQL's 63.
 */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(name)) {
    throw new TypeError(`invalid schema name '${name}': letters, digits and _, at most 48 characters`);
  }
  return `"${name}"`;
}
