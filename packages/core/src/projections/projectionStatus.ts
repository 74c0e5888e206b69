import type { ProjectionFailure, ProjectionRecord, RebuildRecord } from './projectionStore.js';

export type ProjectionState = 'running' | 'catching-up' | 'stopped' | 'rebuilding';

export interface RebuildProgress {
  readonly generation: number;
  readonly version: number;
  readonly done: bigint;
  readonly total: bigint;
  /** Events per second since the rebuild started. */
  readonly rate: number;
  /** Estimated seconds left; null while nothing is known yet. */
  readonly secondsLeft: number | null;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly position: bigint;
  readonly head: bigint;
  /** Events in the log after the checkpoint (never negative). */
  readonly lag: bigint;
  readonly state: ProjectionState;
  readonly failure: ProjectionFailure | null;
  readonly rebuild: RebuildProgress | null;
  /**
   * The version the running code declares, when known (in-process): differing from `version`, the read
   * model is outdated and must be rebuilt (the runner does so unless told not to).
   */
  readonly declaredVersion?: number;
  /** Known with `declaredVersion` only: whether the stored read model is of another version. */
  readonly outdated?: boolean;
}

/** How far a projection is, from its stored record and the head of the log: the same in-process and in the CLI. */
export function projectionStatus(
  record: ProjectionRecord,
  head: bigint,
  now = Date.now(),
  declaredVersion?: number,
): ProjectionStatus {
  const lag = head > record.position ? head - record.position : 0n;
  const state: ProjectionState = record.failure
    ? 'stopped'
    : record.rebuild || record.rebuildRequested
      ? 'rebuilding'
      : lag > 0n
        ? 'catching-up'
        : 'running';
  return {
    name: record.name,
    version: record.version,
    position: record.position,
    head,
    lag,
    state,
    failure: record.failure,
    rebuild: record.rebuild ? rebuildProgress(record.rebuild, head, now) : null,
    ...(declaredVersion === undefined
      ? {}
      : { declaredVersion, outdated: declaredVersion !== record.version }),
  };
}

function rebuildProgress(rebuild: RebuildRecord, head: bigint, now: number): RebuildProgress {
  const seconds = Math.max((now - Date.parse(rebuild.startedAt)) / 1000, 0.001);
  const done = rebuild.position;
  const total = head > rebuild.total ? head : rebuild.total;
  const rate = Number(done) / seconds;
  const secondsLeft = rate > 0 ? Number(total - done) / rate : null;
  return { generation: rebuild.generation, version: rebuild.version, done, total, rate, secondsLeft };
}
