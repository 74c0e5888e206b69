// The public API of @janus/postgres.
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgresEventStore.js';
export { PostgresProjectionStore, type PostgresProjectionStoreOptions } from './postgresProjectionStore.js';
export { PostgresLeases, type PostgresLeasesOptions } from './postgresLeases.js';
export { PgTx } from './pgTx.js';
export { createPool } from './pool.js';
