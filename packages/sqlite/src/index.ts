// The public API of @janus/sqlite.
export { SqliteEventStore, type SqliteEventStoreOptions, type SqliteStoreStats } from './sqliteEventStore.js';
export { SqliteProjectionStore } from './sqliteProjectionStore.js';
export { SqliteTx } from './sqliteTx.js';
