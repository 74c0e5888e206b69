import { describe } from 'vitest';
import { describeCheckpoints } from './checkpoints.js';
import { describeDocuments } from './documents.js';
import { describeDurability } from './durability.js';
import { describeFencing } from './fencing.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';
import { describeRebuilds } from './rebuilds.js';
import { describeSkips } from './skips.js';
import { describeSqlProjections } from './sqlProjections.js';

/**
 * Registers the one suite of projection-store guarantees (architecture.md, guarantee 5, and what the runner
 * and the CLI rely on) as vitest tests for one store: exactly-once checkpoints, fencing, the rebuild
 * switch, failure and skip records, documents and their indexes, SQL projections where the store
 * keeps them, and what a durable store keeps across a reopen. Every store runs it unchanged; the suite hands the store events as a runner would, so it
 * needs no event store:
 *
 * ```ts
 * describeProjectionStoreConformance('PostgresProjectionStore', {
 *   async create() {
 *     const store = await PostgresProjectionStore.open(url, { schema: freshSchema() });
 *     return { store, close: () => store.close() };
 *   },
 *   sql: { table: (tx, name) => tx.table(name), run: …, all: …, reader: (store, name) => store.sql(name) },
 * });
 * ```
 *
 * `create` must give a new, empty store on every call; the suite closes it after each test.
 */
export function describeProjectionStoreConformance<S extends ProjectionStoreUnderTest, Tx>(
  name: string,
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe(`${name} conformance`, () => {
    describeCheckpoints(target);
    describeFencing(target);
    describeRebuilds(target);
    describeSkips(target);
    describeDocuments(target);
    describeSqlProjections(target);
    describeDurability(target);
  });
}
