import type { AppendManyOptions } from './idempotencyKeyStore.js';
import type { Event } from './message.js';

/**
 * What an append expects of its stream: an exact version, 'no_stream' (must not exist yet, same as 0),
 * 'exists' (must have at least one event) or 'any' (no check).
 */
export type ExpectedVersion = number | 'no_stream' | 'exists' | 'any';

/** An event to append. `id` makes the append idempotent: the same ids again are a no-op. */
export type NewEvent<E extends Event = Event> = E extends Event
  ? {
      readonly id?: string;
      readonly type: E['type'];
      readonly data: E['data'];
      readonly metadata?: Readonly<Record<string, unknown>>;
    }
  : never;

/** An event as the store keeps it; over a union of events, a union you can switch on by `type`. */
export type RecordedEvent<E extends Event = Event> = E extends Event ? Recorded<E> : never;

interface Recorded<E extends Event> {
  readonly id: string;
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly version: number;
  /** Position in the global log: increasing in the order readers see events. */
  readonly position: bigint;
  /** ISO 8601 UTC, when the store recorded it. */
  readonly recordedAt: string;
}

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (the version of its last event). */
  readonly version: number;
  /** Global position of the last event appended (of the stream's last event when nothing was appended). */
  readonly position: bigint;
}

export interface MultiAppendResult {
  readonly streams: readonly AppendResult[];
  /** Global position of the last event of the whole append. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
  /** First version to read (forward) or last version to read (backward). Default: the stream's start or end. */
  readonly from?: number;
  readonly direction?: 'forward' | 'backward';
  readonly limit?: number;
}

/** The write side's store of streams. */
export interface EventStore {
  /** Appends to one stream, atomically, checking the expected version (default 'any'). */
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: every stream's expected version holds, or nothing is
   * written. `options.idempotencyKey` writes a key record in the same transaction (IdempotencyKeyStore).
   */
  appendMany(appends: readonly StreamAppend[], options?: AppendManyOptions): Promise<MultiAppendResult>;
  /** Reads a stream's events; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The stream's current version, 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
}

export interface StreamInfo {
  readonly streamId: string;
  readonly version: number;
  /** Global position of the stream's last event. */
  readonly position: bigint;
}

export interface ListStreamsOptions {
  /** Only streams whose id starts with this. */
  readonly prefix?: string;
  /** Only streams whose id sorts after this (for paging). */
  readonly after?: string;
  readonly limit?: number;
}

/** Finding streams by id: for operators (the CLI, the admin console), not for the write path. */
export interface StreamIndex {
  /** Streams in id order. */
  listStreams(options?: ListStreamsOptions): Promise<StreamInfo[]>;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive). Default 0n: from the start. */
  readonly after?: bigint;
  readonly limit?: number;
}

/** Reading the global log: every committed event, each exactly once, in position order. */
export interface GlobalLog {
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event a reader can see now (0n when the log is empty). */
  head(): Promise<bigint>;
  /** Calls `listener` after events were appended through this store instance. Returns an unsubscribe. */
  onAppended(listener: () => void): () => void;
}

export interface Snapshot<S = unknown> {
  readonly version: number;
  readonly state: S;
}

/** Snapshots of folded stream state, by stream and by name (a decider's name and state version). */
export interface SnapshotStore {
  readSnapshot<S>(streamId: string, name: string): Promise<Snapshot<S> | undefined>;
  writeSnapshot<S>(streamId: string, name: string, snapshot: Snapshot<S>): Promise<void>;
}

export interface Closeable {
  close(): Promise<void>;
}
