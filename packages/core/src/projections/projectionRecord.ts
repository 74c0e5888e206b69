import { ValidationError } from '../errors.js';
import type { Projection } from './projection.js';
import {
  StaleCheckpointError,
  type ProjectionRecord,
  type RebuildRecord,
  type SkipRecord,
} from './projectionStore.js';

// How a projection's record changes, as pure functions: every store (memory, SQLite, PostgreSQL) keeps
// the record its own way but moves it by these rules, inside its own transaction.

/** The record of a projection seen for the first time: generation 1, nothing applied. */
export function newProjectionRecord(projection: Projection): ProjectionRecord {
  return {
    name: projection.name,
    version: projection.version,
    generation: 1,
    position: 0n,
    rebuild: null,
    rebuildRequested: false,
    failure: null,
  };
}

/** The checkpoint of one generation of a record: the active one or the one being rebuilt. */
export function checkpointOf(record: ProjectionRecord, generation: number): bigint | undefined {
  if (record.generation === generation) return record.position;
  if (record.rebuild?.generation === generation) return record.rebuild.position;
  return undefined;
}

/** The record with one generation's checkpoint moved; StaleCheckpointError for a generation it lacks. */
export function withCheckpoint(
  record: ProjectionRecord,
  generation: number,
  position: bigint,
): ProjectionRecord {
  if (record.generation === generation) return { ...record, position };
  if (record.rebuild?.generation === generation)
    return { ...record, rebuild: { ...record.rebuild, position } };
  throw new StaleCheckpointError(record.name, position);
}

/** A new rebuild: the next generation, from position 0, to the projection's declared version. */
export function newRebuild(record: ProjectionRecord, projection: Projection, total: bigint): RebuildRecord {
  return {
    generation: record.generation + 1,
    version: projection.version,
    position: 0n,
    total,
    startedAt: new Date().toISOString(),
  };
}

/** The record once a rebuilt generation is the active one; StaleCheckpointError unless it is being rebuilt. */
export function switchedToRebuild(record: ProjectionRecord, generation: number): ProjectionRecord {
  const { rebuild } = record;
  if (rebuild?.generation !== generation) throw new StaleCheckpointError(record.name, 0n);
  return {
    ...record,
    version: rebuild.version,
    generation,
    position: rebuild.position,
    rebuild: null,
    failure: record.failure?.generation === generation ? record.failure : null,
  };
}

/**
 * An operator's skip of the event a projection is stopped at: the skip to record, and the record with the
 * failed generation's checkpoint moved past it. ValidationError when it is not stopped at `position`.
 */
export function skipped(
  record: ProjectionRecord,
  position: bigint,
  reason: string,
): { readonly skip: SkipRecord; readonly record: ProjectionRecord } {
  const { failure } = record;
  const checkpoint = failure ? checkpointOf(record, failure.generation) : undefined;
  if (failure?.position !== position || checkpoint === undefined || checkpoint >= position) {
    throw new ValidationError(`projection '${record.name}' is not stopped at position ${position}`);
  }
  const version = record.rebuild?.generation === failure.generation ? record.rebuild.version : record.version;
  const skip: SkipRecord = {
    name: record.name,
    version,
    position,
    eventId: failure.eventId,
    reason,
    skippedAt: new Date().toISOString(),
  };
  return { skip, record: { ...withCheckpoint(record, failure.generation, position), failure: null } };
}
