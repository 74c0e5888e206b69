// The codec of the SQL projection stores: projection records, skip records and documents to and from the
// rows they keep. Rebuilds, failures and documents are JSON text (see json.ts), so that bigints survive.
import { fromJson, toJson } from './json.js';
import { indexValue } from './projections/documents.js';
import type {
  ProjectionFailure,
  ProjectionRecord,
  RebuildRecord,
  SkipRecord,
} from './projections/projectionStore.js';

/** A row of the projections table. Integers as SQLite (bigint) or PostgreSQL (number) answer them. */
export interface StoredProjectionRow {
  readonly name: string;
  readonly version: number | bigint;
  readonly generation: number | bigint;
  readonly position: bigint;
  /** JSON. */
  readonly rebuild: string | null;
  /** A boolean, or SQLite's 0 and 1. */
  readonly rebuild_requested: boolean | number | bigint;
  /** JSON. */
  readonly failure: string | null;
}

/** The record a row holds. */
export function decodeProjectionRecord(row: StoredProjectionRow): ProjectionRecord {
  return {
    name: row.name,
    version: Number(row.version),
    generation: Number(row.generation),
    position: row.position,
    rebuild: row.rebuild === null ? null : (fromJson(row.rebuild) as RebuildRecord),
    rebuildRequested: Boolean(row.rebuild_requested),
    failure: row.failure === null ? null : (fromJson(row.failure) as ProjectionFailure),
  };
}

/** A rebuild or a failure as stored: JSON, or NULL when there is none. */
export function encodeRecordPart(part: RebuildRecord | ProjectionFailure | null): string | null {
  return part === null ? null : toJson(part);
}

/** A row of the projection_skips table. */
export interface StoredSkipRow {
  readonly name: string;
  readonly version: number | bigint;
  readonly position: bigint;
  readonly event_id: string;
  readonly reason: string;
  readonly skipped_at: string;
}

/** The skip a row holds. */
export function decodeSkipRecord(row: StoredSkipRow): SkipRecord {
  return {
    name: row.name,
    version: Number(row.version),
    position: row.position,
    eventId: row.event_id,
    reason: row.reason,
    skippedAt: row.skipped_at,
  };
}

/** A document as stored: JSON text. */
export function encodeDocument(doc: unknown): string {
  return toJson(doc);
}

/** The document a stored JSON text holds. */
export function decodeDocument(text: string): unknown {
  return fromJson(text);
}

/** The index entries of a document, as `[field, value]`: one per indexed field that holds a scalar. */
export function documentIndexEntries(
  indexes: readonly string[],
  doc: unknown,
): Array<readonly [field: string, value: string]> {
  return indexes.flatMap((field) => {
    const value = indexValue(doc, field);
    return value === undefined ? [] : [[field, value] as const];
  });
}
