import { applyToDocuments, indexValue } from '../projections/documents.js';
import type { DocumentProjection } from '../projections/projection.js';
import { fromJson, toJson } from '../json.js';
import { assertSame, canonical } from './canonical.js';
import { recordEvents, type GivenEvent } from './recordEvents.js';

/** What a document projection holds after the given events; see `given(projection, events)`. */
export interface ProjectionSpec<D> {
  /** It holds exactly these documents, by id (a deleted document is absent). */
  thenDocuments(expected: Readonly<Record<string, D>>): void;
  /** It holds this document under `id` (the others unchecked); `undefined`: it holds none there. */
  thenDocument(id: string, expected: D | undefined): void;
  /** `find(field, value)` answers the documents of these ids, in a store's order (by id). */
  thenFinds(field: string, value: string | number | boolean, ids: readonly string[]): void;
  /** Every document by id, for assertions of your own. */
  documents(): Record<string, D>;
}

/**
 * Applies the events as the runner and the stores do: only the events it handles, one at a time through
 * `applyToDocuments`, each document kept as the stores' JSON between events (as with a batch size of 1).
 */
export function givenProjection<D>(
  projection: DocumentProjection<D>,
  events: readonly GivenEvent[],
): ProjectionSpec<D> {
  const stored = new Map<string, string>();
  for (const event of recordEvents(events)) {
    const current = new Map<string, D | undefined>();
    for (const [id, json] of stored) current.set(id, fromJson(json) as D);
    for (const [id, doc] of applyToDocuments(projection, [event], current)) {
      if (doc === null) stored.delete(id);
      else stored.set(id, toJson(doc));
    }
  }
  const ids = [...stored.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const documents = (): Record<string, D> =>
    Object.fromEntries(ids.map((id) => [id, fromJson(stored.get(id) as string) as D]));
  const document = (id: string) => {
    const json = stored.get(id);
    return json === undefined ? undefined : (fromJson(json) as D);
  };

  return {
    thenDocuments(expected) {
      const actual = documents();
      const missing = Object.keys(expected).filter((id) => !stored.has(id));
      const extra = ids.filter((id) => !Object.hasOwn(expected, id));
      if (missing.length > 0 || extra.length > 0) {
        throw new Error(
          `expected documents ${canonical(Object.keys(expected).sort())}\n     but got ${canonical(ids)}`,
        );
      }
      for (const id of ids) assertSame(`document '${id}'`, canonical(actual[id]), canonical(expected[id]));
    },
    thenDocument(id, expected) {
      assertSame(`document '${id}'`, canonical(document(id)), canonical(expected));
    },
    thenFinds(field, value, expectedIds) {
      if (!projection.indexes.includes(field)) {
        throw new Error(
          `'${field}' is not an index of '${projection.name}' (${canonical(projection.indexes)}): a store finds nothing by it`,
        );
      }
      const wanted = indexValue({ [field]: value }, field);
      const found = ids.filter((id) => indexValue(document(id), field) === wanted);
      assertSame(
        `find(${canonical(field)}, ${canonical(value)}) to answer`,
        canonical(found),
        canonical(expectedIds),
      );
    },
    documents,
  };
}
