import { ValidationError } from '../errors.js';
import type { RecordedEvent } from '../eventStore.js';
import { applyToDocuments, indexValue } from './documents.js';
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
  readonly #skips: SkipRecord[] = [];

  // eslint-disable-next-line @typescript-eslint/require-await
  async ensure(projection: Projection): Promise<ProjectionRecord> {
    if (projection.kind !== 'documents') {
      throw new TypeError(`the in-memory store keeps document projections only, not '${projection.name}'`);
    }
    let record = this.#records.get(projection.name);
    if (!record) {
      record = {
        name: projection.name,
        version: projection.version,
        generation: 1,
        position: 0n,
        rebuild: null,
        rebuildRequested: false,
        failure: null,
      };
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
    return [...this.#records.values()];
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
    // Computed before anything is written: a failing handler leaves documents and checkpoint as they were.
    const changed = applyToDocuments(projection as DocumentProjection, events, docs);
    for (const [id, doc] of changed) {
      if (doc === null) docs.delete(id);
      else docs.set(id, structuredClone(doc));
    }
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
    const rebuild: RebuildRecord = {
      generation: record.generation + 1,
      version: projection.version,
      position: 0n,
      total,
      startedAt: new Date().toISOString(),
    };
    this.#generation(projection.name, rebuild.generation).clear();
    this.#set({ ...record, rebuild, rebuildRequested: false });
    return rebuild;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async completeRebuild(projection: Projection, generation: number): Promise<void> {
    const record = this.#get(projection.name);
    if (record.rebuild?.generation !== generation) throw new StaleCheckpointError(projection.name, 0n);
    this.#documents.get(projection.name)?.delete(record.generation);
    const { version, position } = record.rebuild;
    const failure = record.failure?.generation === generation ? record.failure : null;
    this.#set({ ...record, version, generation, position, rebuild: null, failure });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async skip(name: string, position: bigint, reason: string): Promise<SkipRecord> {
    const record = this.#get(name);
    const { failure } = record;
    if (
      failure?.position !== position ||
      (checkpointOf(record, failure.generation) ?? position) >= position
    ) {
      throw new ValidationError(`projection '${name}' is not stopped at position ${position}`);
    }
    const version =
      record.rebuild?.generation === failure.generation ? record.rebuild.version : record.version;
    const skip: SkipRecord = {
      name,
      version,
      position,
      eventId: failure.eventId,
      reason,
      skippedAt: new Date().toISOString(),
    };
    this.#skips.push(skip);
    this.#set({ ...withCheckpoint(record, failure.generation, position), failure: null });
    return skip;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async skips(name: string): Promise<SkipRecord[]> {
    return this.#skips.filter((s) => s.name === name);
  }

  documents<D>(projection: DocumentProjection<D> | string): DocumentReader<D> {
    const name = typeof projection === 'string' ? projection : projection.name;
    const active = () => {
      const record = this.#records.get(name);
      return record ? this.#generation(name, record.generation) : new Map<string, unknown>();
    };
    return {
      // eslint-disable-next-line @typescript-eslint/require-await
      get: async (id) => structuredClone(active().get(id) as D | undefined),
      // eslint-disable-next-line @typescript-eslint/require-await
      find: async (field, value) => {
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

/** The checkpoint of one generation of a record: the active one or the one being rebuilt. */
export function checkpointOf(record: ProjectionRecord, generation: number): bigint | undefined {
  if (record.generation === generation) return record.position;
  if (record.rebuild?.generation === generation) return record.rebuild.position;
  return undefined;
}

/** The record with one generation's checkpoint moved. */
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
