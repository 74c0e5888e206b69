import type { RecordedEvent } from '../eventStore.js';
import type { DocumentProjection, Projection } from './projection.js';

/** Why a projection stopped: the event it could not apply, and the handler's error. */
export interface ProjectionFailure {
  /** The generation that failed: the active one, or the one being rebuilt. */
  readonly generation: number;
  readonly position: bigint;
  readonly eventId: string;
  readonly eventType: string;
  readonly message: string;
  /** ISO time of the first failure at this event. */
  readonly since: string;
  readonly attempts: number;
}

export interface RebuildRecord {
  readonly generation: number;
  readonly version: number;
  /** Checkpoint of the generation being rebuilt. */
  readonly position: bigint;
  /** Head of the log when the rebuild started: the work to do. */
  readonly total: bigint;
  readonly startedAt: string;
}

/** What a store keeps of one projection. */
export interface ProjectionRecord {
  readonly name: string;
  /** Version of the active generation (the one queries read). */
  readonly version: number;
  readonly generation: number;
  /** Checkpoint of the active generation: every event up to here is applied, none after. */
  readonly position: bigint;
  readonly rebuild: RebuildRecord | null;
  /** Set by an operator (the CLI) for a runner to act on. */
  readonly rebuildRequested: boolean;
  readonly failure: ProjectionFailure | null;
}

export interface SkipRecord {
  readonly name: string;
  /** Skips hold for this version of the projection; a new version applies every event again. */
  readonly version: number;
  readonly position: bigint;
  readonly eventId: string;
  readonly reason: string;
  readonly skippedAt: string;
}

/** The checkpoint moved under a writer's feet (another runner, or an operator's skip): nothing was written. */
export class StaleCheckpointError extends Error {
  constructor(name: string, expected: bigint) {
    super(`projection '${name}' is no longer at position ${expected}`);
  }
}

/**
 * Where a store keeps read models and their checkpoints. Every method is one transaction; the
 * checkpoint of a generation only ever moves together with the read-model changes it covers. A method
 * given a projection the store does not know throws ValidationError. `@janus/conformance`'s
 * describeProjectionStoreConformance checks every store against this contract.
 */
export interface ProjectionStore {
  /** Registers a projection (generation 1 at position 0, tables set up) unless known; returns its record. */
  ensure(projection: Projection): Promise<ProjectionRecord>;
  record(name: string): Promise<ProjectionRecord | undefined>;
  records(): Promise<ProjectionRecord[]>;
  /**
   * Applies `events` (already filtered to the ones the projection handles) to `generation` and moves its
   * checkpoint from `from` to `to`, atomically. Throws StaleCheckpointError when the checkpoint is not
   * `from`, and the handler's own error when one fails; either way nothing changes.
   */
  applyBatch(
    projection: Projection,
    generation: number,
    events: readonly RecordedEvent[],
    from: bigint,
    to: bigint,
  ): Promise<void>;
  setFailure(name: string, failure: ProjectionFailure | null): Promise<void>;
  /** Asks the runner to rebuild (the CLI's way in). */
  requestRebuild(name: string): Promise<void>;
  /** Withdraws a rebuild request (a runner refusing one, for a workflow). */
  cancelRebuildRequest(name: string): Promise<void>;
  /** Starts a new generation (tables set up, position 0) for a rebuild to `version`; continues an unfinished one. */
  beginRebuild(projection: Projection, total: bigint): Promise<RebuildRecord>;
  /** Makes the rebuilt generation the active one, atomically, and drops the old one. */
  completeRebuild(projection: Projection, generation: number): Promise<void>;
  /**
   * An operator's explicit skip of the event a projection is stopped at: records it and moves the failed
   * generation's checkpoint past it, atomically. Throws when the projection is not stopped at that position.
   * One skip per event and version: skipping the same one again replaces it.
   */
  skip(name: string, position: bigint, reason: string): Promise<SkipRecord>;
  /** A projection's skips, in log order. */
  skips(name: string): Promise<SkipRecord[]>;
}

/** Reading a document projection's active generation: what query handlers use. */
export interface DocumentReader<D> {
  get(id: string): Promise<D | undefined>;
  /** Documents whose indexed top-level `field` equals `value`, by id. */
  find(field: string, value: string | number | boolean): Promise<D[]>;
}

export interface ReadModels {
  documents<D>(projection: DocumentProjection<D> | string): DocumentReader<D>;
}
