import { advance } from './advance.js';
import type { BatchReader } from './batchReader.js';
import { projectionStatus } from './projectionStatus.js';
import type { ProjectionRecord } from './projectionStore.js';
import type { RunContext, Runnable } from './runnable.js';

/**
 * Starts the rebuild a projection is due (an operator asked, or with `autoRebuild` its version changed)
 * and answers its record with it. Refuses, loudly, a request to rebuild what cannot be rebuilt: then
 * answers undefined, and the round ends there for it.
 */
export async function startDueRebuild(
  context: RunContext,
  r: Runnable,
  record: ProjectionRecord,
  autoRebuild: boolean,
): Promise<ProjectionRecord | undefined> {
  const { store, log, onNotice } = context;
  if (record.rebuildRequested && r.notRebuildable !== undefined) {
    await store.cancelRebuildRequest(r.name);
    const error = new Error(`'${r.name}' cannot be rebuilt (${r.notRebuildable}); the request was cancelled`);
    onNotice?.({ kind: 'error', projection: r.name, error });
    return undefined;
  }
  if (record.rebuild || !(record.rebuildRequested || (autoRebuild && r.outdated(record)))) return record;
  const rebuild = await store.beginRebuild(r.stored, await log.head());
  onNotice?.({ kind: 'rebuild-started', projection: r.name, generation: rebuild.generation });
  return { ...record, rebuild };
}

/**
 * Moves a rebuild by one batch, or switches it in once it has caught up with the active generation (or,
 * when that one is frozen, with the log). Answers whether it moved, and whether it switched.
 */
export async function stepRebuild(
  context: RunContext,
  r: Runnable,
  record: ProjectionRecord,
  read: BatchReader,
): Promise<{ readonly moved: boolean; readonly switched: boolean }> {
  const { rebuild } = record;
  if (!rebuild) return { moved: false, switched: false };
  const { store, log, onNotice, progress } = context;
  const moved = await advance(context, r, record, rebuild.generation, rebuild.position, read);
  const frozen = r.outdated(record) || r.stored.lifecycle === 'inline';
  if (!moved && (frozen || rebuild.position >= record.position)) {
    await store.completeRebuild(r.stored, rebuild.generation);
    onNotice?.({ kind: 'rebuild-completed', projection: r.name, generation: rebuild.generation });
    progress.notify();
    return { moved, switched: true };
  }
  if (moved && onNotice) {
    const updated = await store.record(r.name);
    if (updated) {
      onNotice({
        kind: 'rebuild-progress',
        projection: r.name,
        status: projectionStatus(updated, await log.head()),
      });
    }
  }
  return { moved, switched: false };
}
