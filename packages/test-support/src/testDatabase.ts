import pg from 'pg';

/** The server tests use: JANUS_PG_URL, or the local default. */
export const testServerUrl = process.env.JANUS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when the PostgreSQL tests were turned off on purpose (JANUS_SKIP_PG=1); never silently. */
export const skipPostgres = process.env.JANUS_SKIP_PG === '1';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * An ICU locale for the database's collation (e.g. 'en-US'), as most servers have one: the test servers'
   * C collation orders text by bytes, which hides a query whose order depends on the collation.
   */
  readonly icuLocale?: string;
}

/**
 * Creates a uniquely named database for one test file (dropped by `drop`). Fails with a message that
 * says how to start PostgreSQL when it cannot be reached.
 */
export async function createTestDatabase(
  prefix: string,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: testServerUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${testServerUrl} (${String(error)}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, point JANUS_PG_URL at ' +
        'another server, or set JANUS_SKIP_PG=1 to skip the PostgreSQL tests on purpose.',
      { cause: error },
    );
  }
  try {
    const { icuLocale } = options;
    if (icuLocale !== undefined && !/^[A-Za-z0-9-]+$/.test(icuLocale))
      throw new TypeError(`invalid ICU locale '${icuLocale}'`);
    await admin.query(
      icuLocale === undefined
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${icuLocale}' LOCALE 'C.UTF-8'`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: testServerUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
