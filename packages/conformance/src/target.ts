import type {
  Closeable,
  EventStore,
  GlobalLog,
  IdempotencyKeyStore,
  KeySecretStore,
  SnapshotStore,
  Upcasters,
} from '@janus/core';

/** Every capability the conformance suite checks, in one store. */
export type StoreUnderTest = EventStore &
  GlobalLog &
  SnapshotStore &
  IdempotencyKeyStore &
  KeySecretStore &
  Closeable;

/** How the suite asks a target for a store. */
export interface StoreOptions {
  readonly upcasters?: Upcasters;
}

/** What a store package gives the suite: a way to make fresh stores, and (for durable stores) to reopen one. */
export interface ConformanceTarget {
  /** A new, empty store: a fresh file, database or schema on every call. */
  create(options?: StoreOptions): StoreUnderTest | Promise<StoreUnderTest>;
  /**
   * A second instance over the same storage as `store`, which the suite has closed before it calls this
   * (keep a `WeakMap` from store to file or schema in the target). Durable stores give it, and the
   * durability checks run; memory stores leave it out, and those checks are skipped.
   */
  reopen?(store: StoreUnderTest, options?: StoreOptions): StoreUnderTest | Promise<StoreUnderTest>;
}
