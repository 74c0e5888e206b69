import type { RecordedEvent } from '../eventStore.js';
import { handlesEvent, type DocumentProjection } from './projection.js';

/** The ids of the documents a batch of events touches: what a store loads before `applyToDocuments`. */
export function documentIds(projection: DocumentProjection, events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (!handlesEvent(projection, event)) continue;
    const id = projection.documentId(event);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/**
 * Folds a batch of events into documents, in log order. `current` holds the stored documents of
 * `documentIds(...)`; the answer holds every changed document, null for the deleted ones.
 */
export function applyToDocuments<D>(
  projection: DocumentProjection<D>,
  events: readonly RecordedEvent[],
  current: ReadonlyMap<string, D | undefined>,
): Map<string, D | null> {
  const changed = new Map<string, D | null>();
  for (const event of events) {
    if (!handlesEvent(projection, event)) continue;
    const id = projection.documentId(event);
    if (id === undefined) continue;
    const before = changed.has(id) ? (changed.get(id) ?? undefined) : current.get(id);
    changed.set(id, projection.apply(before, event));
  }
  return changed;
}

/** The value of an indexed field, as stored for lookups; undefined when it is absent or not a scalar. */
export function indexValue(doc: unknown, field: string): string | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const value = (doc as Record<string, unknown>)[field];
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'number':
    case 'bigint':
      return `n:${value}`;
    case 'boolean':
      return `b:${value}`;
    default:
      return undefined;
  }
}
