import Sqlite, { type Database } from 'better-sqlite3';
import {
  IdempotencyKeyConflictError,
  StoreClosedError,
  ValidationError,
  type AppendManyOptions,
  type AppendOptions,
  type KeySecretStore,
  type AppendResult,
  type Closeable,
  type EventBus,
  type EventStore,
  type GlobalLog,
  type IdempotencyKeyStore,
  type IdempotencyRecord,
  type ListStreamsOptions,
  type MultiAppendResult,
  type Projection,
  type NewEvent,
  type NewIdempotencyRecord,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Snapshot,
  type SnapshotStore,
  type StreamAppend,
  type StreamIndex,
  type StreamInfo,
  type Upcasters,
} from '@janus/core';
import {
  AppendNotifier,
  decodeEvent,
  decodeIdempotencyRecord,
  encodePayload,
  encodeReadVersions,
  fromJson,
  idempotencyRecordFields,
  planAppend,
  toJson,
  writtenEvent,
  validateIdempotencyRecord,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateKeySecret,
  type AppendLookup,
  type StoredEventRow,
  type StoredPayload,
} from '@janus/core/store-kit';
import { GroupCommit } from './groupCommit.js';
import { migrate } from './migrate.js';
import { createPrivately, tightenModes } from './privateFiles.js';
import { SqliteProjectionStore } from './sqliteProjectionStore.js';
import { prepareStatements, type SqliteStatements } from './sqliteStatements.js';

export interface SqliteEventStoreOptions {
  /** Applied to every event read (readStream, readAll), chaining v1 → v2 → v3. */
  readonly upcasters?: Upcasters;
  /** Receives the events of every append after its commit. */
  readonly eventBus?: EventBus;
  /**
   * 'FULL' (default): every acknowledged append is fsynced and survives a power loss.
   * 'NORMAL': faster; survives a process crash, but a power loss may lose the last acknowledged appends.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * How long to wait for another connection's write lock before failing with SQLITE_BUSY. Default 5000.
   * better-sqlite3 is synchronous: the event loop waits with it.
   */
  readonly busyTimeoutMs?: number;
  /** Refuse to create the file when it does not exist (tools that inspect a store, like the CLI). */
  readonly mustExist?: boolean;
  /**
   * Projections applied inside each append's own transaction: never behind, and an append whose inline
   * projection fails is refused. Their read models live in `store.projections`.
   */
  readonly inlineProjections?: readonly Projection[];
}

export interface SqliteStoreStats {
  /** Transactions committed by group commit: one per batch of appends. */
  readonly batches: number;
  /** Appends (append or appendMany calls) that succeeded in those transactions. */
  readonly appends: number;
}

/** What one append wrote: its answer, and its events for the followers. */
interface Written {
  readonly result: MultiAppendResult;
  readonly events: readonly RecordedEvent[];
}

/** What a group-commit job that appends no event (an idempotency key's answer, say) answers. */
const NOTHING_APPENDED: Written = { result: { streams: [], position: 0n }, events: [] };

/** LIMIT -1 is SQLite for "no limit". */
const NO_LIMIT = -1;

/**
 * The embedded event store: events, streams and snapshots in one SQLite file (WAL mode).
 *
 * Appends use group commit: the appends that arrive while a batch is pending are written in one
 * transaction, each in its own savepoint, so each keeps its own expected-version check and its own
 * success or failure, while the batch pays for one fsync. An append's promise resolves after COMMIT.
 * Positions are SQLite row ids: one writer, so position order is commit order.
 */
export class SqliteEventStore
  implements EventStore, GlobalLog, SnapshotStore, StreamIndex, IdempotencyKeyStore, KeySecretStore, Closeable
{
  readonly filename: string;
  /** What opening changed that its owner should know: files made private (see tightenModes). */
  readonly notices: readonly string[];
  readonly #db: Database;
  readonly #commits: GroupCommit<Written>;
  readonly #notifier: AppendNotifier;
  readonly #upcasters: Upcasters | undefined;
  readonly #sql: SqliteStatements;
  readonly #inline: readonly Projection[];
  /** Read models and checkpoints, in this file and on this connection (so inline projections can join appends). */
  readonly projections: SqliteProjectionStore;
  #closed = false;

  /**
   * Opens (creating if needed) the store in `filename`, and creates or migrates its schema. Fails with a
   * SchemaVersionError for a file written by a newer @janus/sqlite.
   */
  static open(filename: string, options: SqliteEventStoreOptions = {}): Promise<SqliteEventStore> {
    return attempt(() => new SqliteEventStore(filename, options));
  }

  private constructor(filename: string, options: SqliteEventStoreOptions) {
    const synchronous: string = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
      throw new ValidationError(`'synchronous' must be 'FULL' or 'NORMAL', got '${synchronous}'`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new ValidationError(`'busyTimeoutMs' must be a non-negative integer, got ${busyTimeoutMs}`);
    }
    if (options.mustExist !== true) createPrivately(filename);
    this.notices = tightenModes(filename);
    const db = new Sqlite(filename, { timeout: busyTimeoutMs, fileMustExist: options.mustExist ?? false });
    try {
      db.pragma('journal_mode = WAL');
      // After journal_mode: this build of SQLite defaults to NORMAL in WAL mode.
      db.pragma(`synchronous = ${synchronous}`);
      db.defaultSafeIntegers(true); // positions are bigint
      migrate(db, filename);
      this.#sql = prepareStatements(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.filename = filename;
    this.#db = db;
    this.projections = new SqliteProjectionStore(db);
    this.#inline = options.inlineProjections ?? [];
    this.#upcasters = options.upcasters;
    try {
      for (const projection of this.#inline) {
        if (projection.lifecycle !== 'inline')
          throw new ValidationError(`projection '${projection.name}' is not inline`);
        this.projections.ensureSync(projection);
      }
      // Events appended before an inline projection was declared, or through a connection that does not
      // declare it, are applied now: an inline projection is never behind. One that fails on them fails open.
      this.projections.catchUpInline(this.#inline, this.#readAfter);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#notifier = new AppendNotifier(options.eventBus);
    this.#commits = new GroupCommit<Written>(db, (written) => {
      this.#notifier.notify(written.flatMap((w) => w.events));
    });
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    return this.appendMany([{ streamId, events, ...options }]).then(
      (result) => result.streams[0] as AppendResult,
    );
  }

  appendMany(appends: readonly StreamAppend[], options: AppendManyOptions = {}): Promise<MultiAppendResult> {
    return attempt(() => {
      this.#assertOpen();
      const key = options.idempotencyKey && idempotencyRecordFields(options.idempotencyKey);
      const expires = key && validateIdempotencyRecord(key);
      // Serialized now, so that the append writes what the caller passed even if it changes afterwards.
      const encoded = encode(appends);
      return this.#commits
        .run(() => this.#write(encoded, key && { record: key, expires: expires ?? 0 }))
        .then((written) => written.result);
    });
  }

  readIdempotencyKey(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return attempt(() => {
      this.#assertOpen();
      return this.#liveKey(scope, key);
    });
  }

  saveIdempotencyAnswer(
    record: NewIdempotencyRecord & { readonly answer: unknown },
  ): Promise<IdempotencyRecord> {
    return attempt(() => {
      this.#assertOpen();
      const expires = validateIdempotencyRecord(record);
      const answer = toJson(record.answer ?? null);
      // Through group commit: durable (fsynced) before it is answered, and serialized with the appends.
      let stored: IdempotencyRecord | undefined;
      return this.#commits
        .run(() => {
          const live = this.#liveKey(record.scope, record.key);
          if (live && (live.messageId !== record.messageId || live.answer !== undefined)) {
            stored = live;
          } else if (live) {
            this.#sql.setAnswer.run(answer, record.scope, record.key);
            stored = { ...live, answer: fromJson(answer) };
          } else {
            const fields = idempotencyRecordFields(record);
            this.#sql.putKey.run(...keyValues(fields, expires, null), answer);
            stored = { ...fields, expiresAt: new Date(expires).toISOString(), answer: fromJson(answer) };
          }
          return NOTHING_APPENDED;
        })
        .then(() => {
          if (!stored) throw new Error('an idempotency answer was saved but not found');
          return stored;
        });
    });
  }

  keepKeySecret(candidate: string): Promise<string> {
    return attempt(() => {
      this.#assertOpen();
      validateKeySecret(candidate);
      return this.#commits
        .run(() => {
          this.#sql.keepKeySecret.run(candidate);
          return NOTHING_APPENDED;
        })
        .then(() => {
          const row = this.#sql.keySecret.get();
          if (!row) throw new Error('a key secret was kept but not found');
          return row.secret;
        });
    });
  }

  deleteExpiredIdempotencyKeys(): Promise<number> {
    return attempt(() => {
      this.#assertOpen();
      let deleted = 0;
      return this.#commits
        .run(() => {
          deleted = this.#sql.deleteExpiredKeys.run(Date.now()).changes;
          return NOTHING_APPENDED;
        })
        .then(() => deleted);
    });
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return attempt(() => {
      this.#assertOpen();
      const { from, limit, direction = 'forward' } = validateReadStreamOptions(options);
      // A JavaScript caller may pass a number: SQLite compares its text, which the events then carry.
      const id = String(streamId); // eslint-disable-line @typescript-eslint/no-unnecessary-type-conversion
      const start = from ?? (direction === 'forward' ? 1 : Number.MAX_SAFE_INTEGER);
      // Binding a LIMIT costs SQLite ~10 µs per read (measured): a whole-stream load, the command
      // handler's, uses a statement without one.
      const rows =
        limit === undefined
          ? this.#sql.readStream[direction].all(id, start)
          : this.#sql.readStreamLimited[direction].all(id, start, limit);
      return rows.map((row) => this.#toRecorded(row, id));
    });
  }

  streamVersion(streamId: string): Promise<number> {
    return attempt(() => {
      this.#assertOpen();
      return this.#lookup.streamVersion(streamId);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return attempt(() => {
      this.#assertOpen();
      const { after = 0n, limit = NO_LIMIT } = validateReadAllOptions(options);
      return this.#sql.readAll.all(after, limit).map((row) => this.#toRecorded(row));
    });
  }

  head(): Promise<bigint> {
    return attempt(() => {
      this.#assertOpen();
      return this.#sql.head.get() ?? 0n;
    });
  }

  onAppended(listener: () => void): () => void {
    return this.#notifier.onAppended(listener);
  }

  listStreams(options: ListStreamsOptions = {}): Promise<StreamInfo[]> {
    return attempt(() => {
      this.#assertOpen();
      const { prefix = '', after = '', limit = 100 } = options;
      // A prefix range rather than LIKE, so that the primary key is used and '%' or '_' mean themselves.
      const rows = this.#sql.listStreams.all(after, prefix, `${prefix}\u{10ffff}`, limit);
      return rows
        .filter((row) => row.stream_id.startsWith(prefix))
        .map((row) => ({ streamId: row.stream_id, version: Number(row.version), position: row.position }));
    });
  }

  readSnapshot<S>(streamId: string, name: string): Promise<Snapshot<S> | undefined> {
    return attempt(() => {
      this.#assertOpen();
      const row = this.#sql.readSnapshot.get(streamId, name);
      if (!row) return undefined;
      return {
        version: Number(row.version),
        state: (row.state === null ? undefined : fromJson(row.state)) as S,
      };
    });
  }

  writeSnapshot<S>(streamId: string, name: string, snapshot: Snapshot<S>): Promise<void> {
    return attempt(() => {
      this.#assertOpen();
      if (!Number.isSafeInteger(snapshot.version) || snapshot.version < 0) {
        throw new ValidationError(
          `a snapshot version must be a non-negative integer, got ${snapshot.version}`,
        );
      }
      const state = snapshot.state === undefined ? null : toJson(snapshot.state);
      // Outside group commit: better-sqlite3 is synchronous, so this never lands inside a batch.
      this.#sql.writeSnapshot.run(streamId, name, snapshot.version, state);
    });
  }

  /** Counters for tests and monitoring. */
  stats(): SqliteStoreStats {
    const { batches, jobs } = this.#commits.stats();
    return { batches, appends: jobs };
  }

  /** Writes the pending appends, then closes the file. Later operations reject with StoreClosedError. */
  close(): Promise<void> {
    return attempt(() => {
      if (this.#closed) return;
      this.#closed = true;
      try {
        this.#commits.flush();
      } finally {
        this.#db.close();
      }
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError(`the SQLite event store '${this.filename}'`);
  }

  /** The unexpired record of (scope, key). */
  #liveKey(scope: string, key: string): IdempotencyRecord | undefined {
    const row = this.#sql.readKey.get(scope, key, Date.now());
    return row && decodeIdempotencyRecord(row);
  }

  /** Runs inside a group-commit savepoint. */
  #write(
    appends: readonly StreamAppend[],
    key?: { readonly record: NewIdempotencyRecord; readonly expires: number },
  ): Written {
    // Before anything is written: a key in use refuses this append alone (its savepoint writes nothing).
    if (key && this.#liveKey(key.record.scope, key.record.key)) {
      throw new IdempotencyKeyConflictError(key.record.scope, key.record.key);
    }
    const plan = planAppend(appends, this.#lookup);
    if (plan.kind === 'replay') return { result: plan.result, events: [] };
    const recordedAt = new Date().toISOString();
    const events: RecordedEvent[] = [];
    const streams = plan.streams.map(({ streamId, fromVersion, events: planned }): AppendResult => {
      if (planned.length === 0) {
        return { streamId, version: fromVersion, position: this.#lookup.streamPosition(streamId) };
      }
      let version = fromVersion;
      let position = 0n;
      for (const event of planned) {
        const payload = event.data as StoredPayload; // put there by encode()
        const { id } = event;
        version++;
        const { lastInsertRowid } = this.#sql.insertEvent.run(
          id,
          streamId,
          version,
          event.type,
          payload.data,
          payload.metadata,
          recordedAt,
        );
        position = BigInt(lastInsertRowid);
        events.push(writtenEvent({ id, type: event.type, streamId, version, position, recordedAt }, payload));
      }
      this.#sql.upsertStream.run(streamId, version, position);
      return { streamId, version, position };
    });
    // Replaces an expired record of the same key, if any (a live one refused the append above).
    if (key) this.#sql.putKey.run(...keyValues(key.record, key.expires, events[0]?.position ?? null), null);
    // Inside this append's savepoint: its read models change with its events, or neither does.
    if (this.#inline.length > 0) this.projections.applyInline(this.#inline, events, this.#readAfter);
    const position = streams.reduce((max, s) => (s.position > max ? s.position : max), 0n);
    return { result: { streams, position }, events };
  }

  #toRecorded(row: StoredEventRow, stream?: string): RecordedEvent {
    // The stream id is null only in stream reads, which pass the stream.
    return decodeEvent(row, this.#upcasters, stream);
  }

  /** Up to `limit` events after a position, as readers see them (for inline projections that missed some). */
  readonly #readAfter = (after: bigint, limit: number): RecordedEvent[] =>
    this.#sql.readAll.all(after, limit).map((row) => this.#toRecorded(row));

  readonly #lookup: AppendLookup = {
    streamVersion: (streamId) => Number(this.#sql.streamHead.get(streamId)?.version ?? 0n),
    streamPosition: (streamId) => this.#sql.streamHead.get(streamId)?.position ?? 0n,
    findEvents: (ids) =>
      ids.flatMap((id) => {
        const row = this.#sql.findEvent.get(id);
        return row
          ? [{ id, streamId: row.stream_id, version: Number(row.version), position: row.position }]
          : [];
      }),
  };
}

/** The columns of a record before its answer, in putKey's order. */
function keyValues(record: NewIdempotencyRecord, expires: number, firstPosition: bigint | null) {
  const { scope, key, fingerprint, messageId, issuedAt, readVersions } = record;
  const versions = encodeReadVersions(readVersions);
  return [scope, key, fingerprint, messageId, issuedAt, expires, firstPosition, versions] as const;
}

/** A copy of the appends with each event's data and metadata replaced by their JSON (a Payload). */
function encode(appends: readonly StreamAppend[]): StreamAppend[] {
  return appends.map(({ streamId, events, expectedVersion }) => ({
    streamId,
    expectedVersion,
    events: events.map((event) => ({ id: event.id, type: event.type, data: encodePayload(event) })),
  }));
}

/** Runs synchronous work as a promise: what it throws becomes the rejection. */
function attempt<T>(work: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(work());
  });
}
