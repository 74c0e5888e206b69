import { describeEventStoreConformance } from '@janus/conformance';
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresEventStore } from './postgresEventStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// One database for this file; every store gets a fresh schema in it.
let database: TestDatabase;
let count = 0;
const schemas = new WeakMap<object, string>();

describe.skipIf(skipPostgres)('PostgreSQL', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_conformance');
  });
  afterAll(async () => {
    await database.drop();
  });

  describeEventStoreConformance('PostgresEventStore', {
    async create(options) {
      const schema = `store_${++count}`;
      const store = await PostgresEventStore.open(database.url, { ...options, schema, poolSize: 4 });
      schemas.set(store, schema);
      return store;
    },
    async reopen(store, options) {
      const schema = schemas.get(store);
      if (schema === undefined) throw new Error('reopen: not a store this target created');
      const reopened = await PostgresEventStore.open(database.url, { ...options, schema, poolSize: 4 });
      schemas.set(reopened, schema);
      return reopened;
    },
  });
});
