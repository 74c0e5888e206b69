import { describeProjectionStoreConformance } from '@janus/conformance';
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresProjectionStore } from './postgresProjectionStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// One database for this file; every store gets a fresh schema in it.
let database: TestDatabase;
let count = 0;
const schemas = new WeakMap<object, string>();

/** The suite writes `?` placeholders; PostgreSQL numbers them. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

describe.skipIf(skipPostgres)('PostgreSQL', () => {
  beforeAll(async () => {
    // A collation other than C, as most servers have: orders a store answers must not depend on it.
    database = await createTestDatabase('janus_projection_conformance', { icuLocale: 'en-US' });
  });
  afterAll(async () => {
    await database.drop();
  });

  describeProjectionStoreConformance('PostgresProjectionStore', {
    async create() {
      const schema = `read_${++count}`;
      const store = await PostgresProjectionStore.open(database.url, { schema, poolSize: 4 });
      schemas.set(store, schema);
      return { store, close: () => store.close() };
    },
    async reopen(store) {
      const schema = schemas.get(store);
      if (schema === undefined) throw new Error('reopen: not a store this target created');
      const reopened = await PostgresProjectionStore.open(database.url, { schema, poolSize: 4 });
      return { store: reopened, close: () => reopened.close() };
    },
    async beside(store) {
      const schema = schemas.get(store);
      if (schema === undefined) throw new Error('beside: not a store this target created');
      const other = await PostgresProjectionStore.open(database.url, { schema, poolSize: 4 });
      return { store: other, close: () => other.close() };
    },
    sql: {
      // The reader comes first: it tells TypeScript the transaction type of the others.
      reader: (store, name) => store.sql(name),
      table: (tx, name) => tx.table(name),
      run: async (tx, sql, params) => {
        await tx.query(numbered(sql), params);
      },
      all: (tx, sql, params) => tx.query(numbered(sql), params),
    },
  });
});
