import { ValidationError } from '../errors.js';
import type { RecordedEvent } from '../eventStore.js';
import { fromJson, toJson } from '../json.js';
import { applyToDocuments, documentIds, indexValue } from './documents.js';
import {
  checkpointOf,
  newProjectionRecord,
  newRebuild,
  skipped,
  switchedToRebuild,
  withCheckpoint,
} from './projectionRecord.js';
import type { DocumentProjection, Projection } from './projection.js';
import {
  StaleCheckpointError,
  type DocumentReader,
  type ProjectionFailure,
  type ProjectionRecord,
  type ProjectionStore,
  type ReadModels,
  type RebuildRecord,
  type SkipRecord,
} from './projectionStore.js';

/** Read models and checkpoints in memory: document projections only (SQL needs a database). */
export class InMemoryProjectionStore implements ProjectionStore, ReadModels {
  readonly #records = new Map<string, ProjectionRecord>();
  /** Documents by projection, then generation, then id. */
  readonly #documents = new Map<string, Map<number, Map<string, unknown>>>();
  /**
   * The fields each generation is indexed by (`${name} ${generation}`), as its batches declared them: like
   * the SQL stores, `find` answers on indexed fields only.
   */
  readonly #indexes = new Map<string, readonly string[]>();
  #skips: readonly SkipRecord[] = [];

  // eslint-disable-next-line @typescript-eslint/require-await
  async ensure(projection: Projection): Promise<ProjectionRecord> {
    if (projection.kind !== 'documents') {
      throw new TypeError(`the in-memory store keeps document projections only, not '${projection.name}'`);
    }
    let record = this.#records.get(projection.name);
    if (!record) {
      record = newProjectionRecord(projection);
      this.#records.set(projection.name, record);
    }
    return record;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async record(name: string): Promise<ProjectionRecord | undefined> {
    return this.#records.get(name);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async records(): Promise<ProjectionRecord[]> {
    return [...this.#records.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async applyBatch(
    projection: Projection,
    generation: number,
    events: readonly RecordedEvent[],
    from: bigint,
    to: bigint,
  ): Promise<void> {
    const record = this.#get(projection.name);
    if (checkpointOf(record, generation) !== from) throw new StaleCheckpointError(projection.name, from);
    const docs = this.#generation(projection.name, generation);
    // Computed on copies, before anything is written: a failing handler, even one that changed a document
    // in place, leaves documents and checkpoint as they were.
    const ids = documentIds(projection as DocumentProjection, events);
    const current = new Map(ids.map((id) => [id, docs.has(id) ? asStored(docs.get(id)) : undefined]));
    const changed = applyToDocuments(projection as DocumentProjection, events, current);
    for (const [id, doc] of changed) {
      if (doc === null) docs.delete(id);
      else docs.set(id, asStored(doc));
    }
    this.#indexes.set(`${projection.name} ${generation}`, (projection as DocumentProjection).indexes);
    this.#set(withCheckpoint(record, generation, to));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async setFailure(name: string, failure: ProjectionFailure | null): Promise<void> {
    this.#set({ ...this.#get(name), failure });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async requestRebuild(name: string): Promise<void> {
    this.#set({ ...this.#get(name), rebuildRequested: true });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async cancelRebuildRequest(name: string): Promise<void> {
    this.#set({ ...this.#get(name), rebuildRequested: false });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async beginRebuild(projection: Projection, total: bigint): Promise<RebuildRecord> {
    const record = this.#get(projection.name);
    if (record.rebuild) return record.rebuild;
    const rebuild = newRebuild(record, projection, total);
    this.#generation(projection.name, rebuild.generation).clear();
    this.#set({ ...record, rebuild, rebuildRequested: false });
    return rebuild;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async completeRebuild(projection: Projection, generation: number): Promise<void> {
    const record = this.#get(projection.name);
    const switched = switchedToRebuild(record, generation);
    this.#documents.get(projection.name)?.delete(record.generation);
    this.#indexes.delete(`${projection.name} ${record.generation}`);
    this.#set(switched);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async skip(name: string, position: bigint, reason: string): Promise<SkipRecord> {
    const { skip, record } = skipped(this.#get(name), position, reason);
    // One skip per event and version, as the SQL stores key them: skipping it again replaces it.
    const same = (s: SkipRecord) => s.name === name && s.version === skip.version && s.position === position;
    this.#skips = [...this.#skips.filter((s) => !same(s)), skip];
    this.#set(record);
    return skip;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async skips(name: string): Promise<SkipRecord[]> {
    return this.#skips
      .filter((s) => s.name === name)
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  documents<D>(projection: DocumentProjection<D> | string): DocumentReader<D> {
    const name = typeof projection === 'string' ? projection : projection.name;
    const generation = () => this.#records.get(name)?.generation;
    const active = () => {
      const current = generation();
      return current === undefined ? new Map<string, unknown>() : this.#generation(name, current);
    };
    return {
      // eslint-disable-next-line @typescript-eslint/require-await
      get: async (id) => structuredClone(active().get(id) as D | undefined),
      // eslint-disable-next-line @typescript-eslint/require-await
      find: async (field, value) => {
        if (!this.#indexes.get(`${name} ${generation()}`)?.includes(field)) return [];
        const wanted = indexValue({ [field]: value }, field);
        return [...active().entries()]
          .filter(([, doc]) => indexValue(doc, field) === wanted)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, doc]) => structuredClone(doc as D));
      },
    };
  }

  #get(name: string): ProjectionRecord {
    const record = this.#records.get(name);
    if (!record) throw new ValidationError(`unknown projection '${name}'`);
    return record;
  }

  #set(record: ProjectionRecord): void {
    this.#records.set(record.name, record);
  }

  #generation(name: string, generation: number): Map<string, unknown> {
    let byGeneration = this.#documents.get(name);
    if (!byGeneration) this.#documents.set(name, (byGeneration = new Map<number, Map<string, unknown>>()));
    let docs = byGeneration.get(generation);
    if (!docs) byGeneration.set(generation, (docs = new Map<string, unknown>()));
    return docs;
  }
}

/** A document as the SQL stores keep it: through JSON (bigints kept), so a test in memory sees what they give. */
function asStored(doc: unknown): unknown {
  return fromJson(toJson(doc));
}
