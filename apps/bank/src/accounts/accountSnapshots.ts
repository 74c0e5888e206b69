import { snapshotCache, type SnapshotPolicy, type SnapshotStore } from '@janus/core';
import type { FraudLimits } from '../fraud/fraudLimits.js';

/** Write an account's snapshot to the store every this many events (memory has the latest one anyway). */
export const ACCOUNT_SNAPSHOT_EVERY = 64;

/**
 * How account commands keep snapshots of account state: the latest in memory after every command (a
 * command then reads only the events appended since, usually none), and one in the store every `persistEvery`
 * events, so that no account ever folds its whole history, even after a restart. The state keeps as many
 * recent outgoing operations as the velocity rule counts, so the name carries that limit: a service
 * restarted with another limit ignores the old snapshots and folds from the events. Change the `v1` when the
 * state's shape changes.
 */
export function accountSnapshots(
  store: SnapshotStore,
  limits: FraudLimits,
  persistEvery: number = ACCOUNT_SNAPSHOT_EVERY,
): SnapshotPolicy {
  return {
    store: snapshotCache(store, { persistEvery }),
    name: `bank.account.v1.velocity-${limits.velocityMax}`,
    every: 1,
  };
}
