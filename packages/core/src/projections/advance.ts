import type { BatchReader } from './batchReader.js';
import { handlesEvent } from './projection.js';
import type { ProjectionRecord, ProjectionStore } from './projectionStore.js';
import type { RunContext, Runnable } from './runnable.js';

/** Applies the next batch after `from` to a generation. False when the log has nothing new for it. */
export async function advance(
  context: RunContext,
  r: Runnable,
  record: ProjectionRecord,
  generation: number,
  from: bigint,
  read: BatchReader,
): Promise<boolean> {
  const batch = await read(from);
  const last = batch.at(-1);
  if (!last) return false;
  const skipped = await skippedPositions(context.store, r);
  const events = batch.filter((e) => handlesEvent(r.stored, e) && !skipped.has(e.position));
  const failure = record.failure?.generation === generation ? record.failure : null;
  if (failure) context.failures.tried(failure);
  await r.apply({ generation, from, to: last.position, events, failure });
  if (failure) await context.failures.recovered(r.name);
  context.progress.notify();
  return true;
}

/** The positions an operator skipped for this version of the projection. */
async function skippedPositions(store: ProjectionStore, r: Runnable): Promise<Set<bigint>> {
  const skips = await store.skips(r.name);
  return new Set(skips.filter((s) => s.version === r.version).map((s) => s.position));
}
