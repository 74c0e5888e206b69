import { AppendNotifier } from './appendNotifier.js';
import { planAppend, type AppendLookup, type StoredEventRef } from './appendPlan.js';
import { IdempotencyKeyConflictError } from './errors.js';
import type { EventBus } from './eventBus.js';
import {
  idempotencyRecordFields,
  validateIdempotencyRecord,
  type AppendManyOptions,
  type IdempotencyKeyStore,
  type IdempotencyRecord,
  type NewIdempotencyRecord,
} from './idempotencyKeyStore.js';
import type {
  AppendOptions,
  AppendResult,
  Closeable,
  EventStore,
  GlobalLog,
  ListStreamsOptions,
  StreamIndex,
  StreamInfo,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Snapshot,
  SnapshotStore,
  StreamAppend,
} from './eventStore.js';
import { validateKeySecret, type KeySecretStore } from './keySecretStore.js';
import { fromJson, toJson } from './json.js';
import { readWindow, validateReadAllOptions } from './readWindow.js';
import { upcast, type Upcasters } from './upcaster.js';

export interface InMemoryEventStoreOptions {
  readonly upcasters?: Upcasters;
  readonly eventBus?: EventBus;
}

/** Every capability of a durable store, kept in memory: for unit tests, examples and prototypes. */
export class InMemoryEventStore
  implements EventStore, GlobalLog, SnapshotStore, StreamIndex, IdempotencyKeyStore, KeySecretStore, Closeable
{
  #keySecret: string | undefined;
  readonly #log: RecordedEvent[] = [];
  readonly #streams = new Map<string, RecordedEvent[]>();
  readonly #ids = new Map<string, RecordedEvent>();
  readonly #snapshots = new Map<string, string>();
  /** Idempotency records by [scope, key], kept as JSON (answers round-trip as in durable stores). */
  readonly #keys = new Map<string, { readonly expires: number; readonly json: string }>();
  readonly #notifier: AppendNotifier;
  readonly #upcasters: Upcasters | undefined;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.#notifier = new AppendNotifier(options.eventBus);
    this.#upcasters = options.upcasters;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const result = await this.appendMany([{ streamId, events, ...options }]);
    return result.streams[0] as AppendResult;
  }

  // Async for the interface's sake; the work itself is synchronous, so appends are naturally serialized.
  // eslint-disable-next-line @typescript-eslint/require-await
  async appendMany(
    appends: readonly StreamAppend[],
    options: AppendManyOptions = {},
  ): Promise<MultiAppendResult> {
    const key = options.idempotencyKey;
    const expires = key === undefined ? 0 : validateIdempotencyRecord(key);
    if (key !== undefined && this.#liveKey(key.scope, key.key)) {
      throw new IdempotencyKeyConflictError(key.scope, key.key);
    }
    const plan = planAppend(appends, this.#lookup);
    if (plan.kind === 'replay') return plan.result;
    const recordedAt = new Date().toISOString();
    const written: RecordedEvent[] = [];
    const streams = plan.streams.map(({ streamId, fromVersion, events }) => {
      const stream = this.#streams.get(streamId) ?? [];
      events.forEach((event, i) => {
        const recorded: RecordedEvent = {
          id: event.id,
          type: event.type,
          // Through JSON, as durable stores keep it: what cannot round-trip there does not here either.
          data: event.data === undefined ? undefined : fromJson(toJson(event.data)),
          metadata: fromJson(toJson(event.metadata ?? {})) as Record<string, unknown>,
          streamId,
          version: fromVersion + i + 1,
          position: BigInt(this.#log.length + 1),
          recordedAt,
        };
        this.#log.push(recorded);
        stream.push(recorded);
        this.#ids.set(recorded.id, recorded);
        written.push(recorded);
      });
      this.#streams.set(streamId, stream);
      return { streamId, version: fromVersion + events.length, position: stream.at(-1)?.position ?? 0n };
    });
    if (key !== undefined) {
      const first = written[0]?.position;
      this.#keepKey({ ...keyFields(key), ...(first === undefined ? {} : { firstPosition: first }) }, expires);
    }
    this.#notifier.notify(written);
    const position = streams.reduce((max, s) => (s.position > max ? s.position : max), 0n);
    return { streams, position };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readIdempotencyKey(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.#liveKey(scope, key);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async saveIdempotencyAnswer(
    record: NewIdempotencyRecord & { readonly answer: unknown },
  ): Promise<IdempotencyRecord> {
    const expires = validateIdempotencyRecord(record);
    const answer = fromJson(toJson(record.answer ?? null));
    const live = this.#liveKey(record.scope, record.key);
    if (live) {
      if (live.messageId !== record.messageId || live.answer !== undefined) return live;
      return this.#keepKey({ ...live, answer }, Date.parse(live.expiresAt));
    }
    return this.#keepKey({ ...keyFields(record), answer }, expires);
  }

  keepKeySecret(candidate: string): Promise<string> {
    // In the executor: a refused candidate is a rejection, as in every store.
    return new Promise((resolve) => {
      validateKeySecret(candidate);
      this.#keySecret ??= candidate;
      resolve(this.#keySecret);
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async deleteExpiredIdempotencyKeys(): Promise<number> {
    const now = Date.now();
    let deleted = 0;
    for (const [id, kept] of this.#keys) {
      if (kept.expires <= now) {
        this.#keys.delete(id);
        deleted++;
      }
    }
    return deleted;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.#streams.get(streamId) ?? [];
    return readWindow(stream, options).map((e) => upcast(structuredClone(e), this.#upcasters));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async streamVersion(streamId: string): Promise<number> {
    return this.#streams.get(streamId)?.length ?? 0;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    validateReadAllOptions(options);
    const after = Number(options.after ?? 0n);
    const end = options.limit === undefined ? undefined : after + options.limit;
    return this.#log.slice(after, end).map((e) => upcast(structuredClone(e), this.#upcasters));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async head(): Promise<bigint> {
    return BigInt(this.#log.length);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async listStreams(options: ListStreamsOptions = {}): Promise<StreamInfo[]> {
    const { prefix = '', after, limit = 100 } = options;
    return [...this.#streams.entries()]
      .filter(([id]) => id.startsWith(prefix) && (after === undefined || id > after))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([streamId, events]) => ({
        streamId,
        version: events.length,
        position: events.at(-1)?.position ?? 0n,
      }));
  }

  onAppended(listener: () => void): () => void {
    return this.#notifier.onAppended(listener);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readSnapshot<S>(streamId: string, name: string): Promise<Snapshot<S> | undefined> {
    const stored = this.#snapshots.get(JSON.stringify([streamId, name]));
    return stored === undefined ? undefined : (fromJson(stored) as Snapshot<S>);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async writeSnapshot<S>(streamId: string, name: string, snapshot: Snapshot<S>): Promise<void> {
    this.#snapshots.set(JSON.stringify([streamId, name]), toJson(snapshot));
  }

  async close(): Promise<void> {}

  #liveKey(scope: string, key: string): IdempotencyRecord | undefined {
    const kept = this.#keys.get(JSON.stringify([scope, key]));
    if (!kept || kept.expires <= Date.now()) return undefined;
    return fromJson(kept.json) as IdempotencyRecord;
  }

  #keepKey(record: IdempotencyRecord, expires: number): IdempotencyRecord {
    const stored = { ...record, expiresAt: new Date(expires).toISOString() };
    this.#keys.set(JSON.stringify([record.scope, record.key]), { expires, json: toJson(stored) });
    return fromJson(toJson(stored)) as IdempotencyRecord;
  }

  readonly #lookup: AppendLookup = {
    streamVersion: (streamId) => this.#streams.get(streamId)?.length ?? 0,
    streamPosition: (streamId) => this.#streams.get(streamId)?.at(-1)?.position ?? 0n,
    findEvents: (ids) =>
      ids.flatMap((id): StoredEventRef[] => {
        const e = this.#ids.get(id);
        return e ? [{ id, streamId: e.streamId, version: e.version, position: e.position }] : [];
      }),
  };
}

/** A record's own fields, without anything else an argument may carry. */
function keyFields(record: NewIdempotencyRecord): NewIdempotencyRecord {
  // Through JSON, as durable stores keep it.
  return fromJson(toJson(idempotencyRecordFields(record))) as NewIdempotencyRecord;
}
