import type { ProjectionStore, ReadModels } from '@janus/core';

/** What the projection-store suite needs of a store: checkpoints, rebuilds, skips and document reads. */
export type ProjectionStoreUnderTest = ProjectionStore & ReadModels;

/** A store the suite was given, and how to end it (its pools, or the event store that owns it). */
export interface OpenedProjectionStore<S extends ProjectionStoreUnderTest> {
  readonly store: S;
  close(): Promise<void>;
}

/** Rows as objects, by column name. */
export type SqlRows = readonly Record<string, unknown>[];

/**
 * How the suite writes and reads an SQL projection's tables through a store's own transaction handle
 * (`Tx`: synchronous for SQLite, asynchronous for PostgreSQL). A store answers either in every method.
 */
export interface SqlSupport<S extends ProjectionStoreUnderTest, Tx> {
  /** The real name of one of a projection's tables, in the generation `tx` writes or reads. */
  table(tx: Tx, name: string): string | Promise<string>;
  /** Runs one statement written with `?` placeholders. */
  run(tx: Tx, sql: string, params: readonly unknown[]): void | Promise<void>;
  /** Runs one query written with `?` placeholders and answers its rows. */
  all(tx: Tx, sql: string, params: readonly unknown[]): SqlRows | Promise<SqlRows>;
  /** A handle on the tables of a projection's active generation, for queries (the store's `sql(name)`). */
  reader(store: S, name: string): Tx;
}

/**
 * What a store package gives the projection-store suite. `sql` is declared, never left out: a store
 * without SQL projections says 'unsupported', and the suite then checks that it refuses one at `ensure`.
 */
export interface ProjectionStoreTarget<
  S extends ProjectionStoreUnderTest = ProjectionStoreUnderTest,
  Tx = unknown,
> {
  /** A new, empty store: a fresh file, database or schema on every call. */
  create(): Promise<OpenedProjectionStore<S>>;
  readonly sql: SqlSupport<S, Tx> | 'unsupported';
  /**
   * A second store over the same storage as `store`, which the suite has closed before it calls this
   * (keep a `WeakMap` from store to file or schema in the target). Durable stores give it, and the suite
   * checks that what they keep survives; a memory store leaves it out, and that check is skipped.
   */
  reopen?(store: S): Promise<OpenedProjectionStore<S>>;
  /**
   * A second store over the same storage as `store`, open beside it, as another process would open it.
   * Stores that processes share give it, and the suite checks fencing between the two; others leave it out.
   */
  beside?(store: S): Promise<OpenedProjectionStore<S>>;
}
