// The public API of @janus/postgres.
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgresEventStore.js';
export { createPool } from './pool.js';
