import type { GlobalLog, RecordedEvent } from '../eventStore.js';
import type { CommandBus } from '../messageBus.js';
import { isEventFailure, type FailureRecords } from './failureRecords.js';
import type { Projection } from './projection.js';
import type { ProgressSignal } from './progressSignal.js';
import type { ProjectionFailure, ProjectionRecord, ProjectionStore, ReadModels } from './projectionStore.js';
import type { RunnerNotice } from './runnerNotice.js';
import { sendWorkflowCommands, type Workflow } from './workflow.js';

/** What the runner's parts share: the log, the store, the failure records, the progress signal. */
export interface RunContext {
  readonly log: GlobalLog;
  readonly store: ProjectionStore & ReadModels;
  readonly onNotice: ((notice: RunnerNotice) => void) | undefined;
  readonly failures: FailureRecords;
  readonly progress: ProgressSignal;
}

/** A batch of the log for one generation: the handled events in it, and the checkpoint's move. */
export interface Batch {
  readonly generation: number;
  /** The checkpoint before the batch, and after it: the position of the batch's last event. */
  readonly from: bigint;
  readonly to: bigint;
  /** The events of the batch that the projection handles and that were not skipped. */
  readonly events: readonly RecordedEvent[];
  /** The failure the generation is stopped at, if any: this batch tries its event again. */
  readonly failure: ProjectionFailure | null;
}

/**
 * Something the runner runs, as the kind it is (a projection, a workflow) says: how it is stored, whether
 * it can be rebuilt, how it applies a batch. The runner itself never asks which kind it holds.
 */
export interface Runnable {
  readonly name: string;
  readonly version: number;
  /** What the projection store keeps of it: record, checkpoint, generations, documents or tables. */
  readonly stored: Projection;
  /** Why it can never be rebuilt, or undefined when it can. */
  readonly notRebuildable: string | undefined;
  /** Whether the stored generation was made by another version, so that it stays frozen until rebuilt. */
  outdated(record: ProjectionRecord): boolean;
  /** Applies a batch and moves the generation's checkpoint to the batch's end, or stops at a failing event. */
  apply(batch: Batch): Promise<void>;
}

/** A projection: a batch in one transaction, and event by event only to find the event that fails. */
export function projectionRunnable(p: Projection, context: RunContext): Runnable {
  return {
    name: p.name,
    version: p.version,
    stored: p,
    notRebuildable: undefined,
    outdated: (record) => record.version !== p.version,
    async apply(batch) {
      try {
        await context.store.applyBatch(p, batch.generation, batch.events, batch.from, batch.to);
      } catch (error) {
        if (!isEventFailure(error)) throw error;
        await applyEventByEvent(context, p, batch);
      }
    },
  };
}

/**
 * A workflow: its commands go out before its state and checkpoint commit, one event at a time, so that
 * after a crash only the event in flight is replayed, and its commands carry the same ids as before.
 */
export function workflowRunnable(flow: Workflow, context: RunContext, commands: CommandBus): Runnable {
  const { state } = flow;
  const load = (id: string) => context.store.documents(state).get(id);
  return {
    name: flow.name,
    version: flow.version,
    stored: state,
    notRebuildable: 'replaying a workflow would send its commands again',
    // Its version names it; its state is its history, not a cache to recompute.
    outdated: () => false,
    apply: (batch) =>
      applyEventByEvent(context, state, batch, (event) =>
        sendWorkflowCommands(flow, [event], load, commands),
      ),
  };
}

/**
 * Applies events one transaction each (after `before`, if given, for each): commits every good one, and at
 * the first failure records it and stops there. Reaching the end, moves the checkpoint to the batch's end.
 */
async function applyEventByEvent(
  { store, failures, progress }: RunContext,
  p: Projection,
  batch: Batch,
  before?: (event: RecordedEvent) => Promise<void>,
): Promise<void> {
  let cursor = batch.from;
  for (const event of batch.events) {
    try {
      await before?.(event);
      await store.applyBatch(p, batch.generation, [event], cursor, event.position);
      cursor = event.position;
    } catch (error) {
      if (!isEventFailure(error)) throw error;
      if (cursor > batch.from) progress.notify();
      await failures.stop(p.name, batch.generation, event, error, batch.failure);
    }
  }
  // Past the events it does not handle too: a batch without a handled event must still move it.
  if (cursor < batch.to) await store.applyBatch(p, batch.generation, [], cursor, batch.to);
}
