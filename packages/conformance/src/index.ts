import { describe } from 'vitest';
import { describeDurability } from './durability.js';
import { describeExpectedVersion } from './expectedVersion.js';
import { describeGlobalLog } from './globalLog.js';
import { describeIdempotency } from './idempotency.js';
import { describeIdempotencyKeys } from './idempotencyKeys.js';
import { describeKeySecret } from './keySecret.js';
import { describeModel } from './model.js';
import { describeMultiStream } from './multiStream.js';
import { describeReading } from './reading.js';
import { describeSnapshots } from './snapshots.js';
import { describeSubscription } from './subscription.js';
import type { ConformanceTarget } from './target.js';
import { describeUpcasting } from './upcasting.js';

export type { ConformanceTarget, StoreOptions, StoreUnderTest } from './target.js';

/**
 * Registers the one suite of event-store guarantees (architecture.md, guarantees 1–4, 7's key records and 8, and the key secret) as vitest
 * tests for one store. Every store runs it unchanged; enrolling takes a test file of a few lines:
 *
 * ```ts
 * // packages/sqlite/src/sqliteEventStore.conformance.test.ts
 * import { describeEventStoreConformance } from '@janus/conformance';
 * import { SqliteEventStore } from './sqliteEventStore.js';
 *
 * const files = new WeakMap<object, string>();
 * describeEventStoreConformance('SqliteEventStore', {
 *   async create(options) {
 *     const file = join(await mkdtemp(join(tmpdir(), 'janus-')), 'events.db');
 *     const store = await SqliteEventStore.open(file, options);
 *     files.set(store, file);
 *     return store;
 *   },
 *   // Optional: enables the durability checks. The suite has closed `store` before it calls this.
 *   async reopen(store, options) {
 *     const file = files.get(store)!;
 *     const reopened = await SqliteEventStore.open(file, options);
 *     files.set(reopened, file);
 *     return reopened;
 *   },
 * });
 * ```
 *
 * `create` must give a new, empty store on every call; the suite closes every store it was given after
 * each test. `options.upcasters` must be applied on every read, as core's InMemoryEventStore does.
 */
export function describeEventStoreConformance(name: string, target: ConformanceTarget): void {
  describe(`${name} conformance`, () => {
    describeExpectedVersion(target);
    describeMultiStream(target);
    describeIdempotency(target);
    describeIdempotencyKeys(target);
    describeKeySecret(target);
    describeReading(target);
    describeGlobalLog(target);
    describeModel(target);
    describeSubscription(target);
    describeSnapshots(target);
    describeUpcasting(target);
    describeDurability(target);
  });
}

export { describeProjectionStoreConformance } from './projections/describeProjectionStoreConformance.js';
export type {
  OpenedProjectionStore,
  ProjectionStoreTarget,
  ProjectionStoreUnderTest,
  SqlRows,
  SqlSupport,
} from './projections/projectionStoreTarget.js';
