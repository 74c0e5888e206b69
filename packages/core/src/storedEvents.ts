// The codec of the SQL stores: events, and idempotency key records, to and from the rows they keep. Data,
// metadata, snapshots and answers are JSON text (see json.ts), so that bigints and dates survive.
import type { NewEvent, RecordedEvent } from './eventStore.js';
import type { IdempotencyRecord } from './idempotencyKeyStore.js';
import { fromJson, toJson } from './json.js';
import { upcast, type Upcasters } from './upcaster.js';

/** An event's data and metadata as the JSON text a store writes: no data is NULL, no metadata is {}. */
export interface StoredPayload {
  readonly data: string | null;
  readonly metadata: string;
}

/** The payload of `event`, taken now: what the append writes even if the caller changes it afterwards. */
export function encodePayload(event: Pick<NewEvent, 'data' | 'metadata'>): StoredPayload {
  return {
    data: event.data === undefined ? null : toJson(event.data),
    metadata: toJson(event.metadata ?? {}),
  };
}

/**
 * A stored event as a row of columns in this order (read as an array: no object with named fields per
 * row, which reads faster). A stream id may be left out (NULL) by a read of one stream, which knows it.
 */
export type StoredEventRow = readonly [
  position: bigint,
  eventId: string,
  streamId: string | null,
  version: number | bigint,
  type: string,
  data: string | null,
  metadata: string,
  recordedAt: string,
];

/** The event a row holds, as readers see it: decoded, then upcast. `streamId` for rows that leave it out. */
export function decodeEvent(
  row: StoredEventRow,
  upcasters: Upcasters | undefined,
  streamId?: string,
): RecordedEvent {
  const [position, id, stream, version, type, data, metadata, recordedAt] = row;
  const event: RecordedEvent = {
    id,
    type,
    data: data === null ? undefined : fromJson(data),
    // Most events carry none: '{}' needs no parser.
    metadata: metadata === '{}' ? {} : (fromJson(metadata) as Record<string, unknown>),
    streamId: streamId ?? (stream as string),
    version: Number(version),
    position,
    recordedAt,
  };
  return upcast(event, upcasters);
}

/**
 * A just-written event, for the event bus and inline projections, from its payload as written. Its data
 * and metadata are decoded from that JSON (so listeners see what readers see), and only when read:
 * without an event bus nobody reads them, and decoding costs more than writing.
 */
export function writtenEvent(
  fields: Omit<RecordedEvent, 'data' | 'metadata'>,
  payload: StoredPayload,
): RecordedEvent {
  const { id, type, streamId, version, position, recordedAt } = fields;
  let data: { readonly value: unknown } | undefined;
  let metadata: Readonly<Record<string, unknown>> | undefined;
  return {
    id,
    type,
    streamId,
    version,
    position,
    recordedAt,
    get data() {
      data ??= { value: payload.data === null ? undefined : fromJson(payload.data) };
      return data.value;
    },
    get metadata() {
      metadata ??= fromJson(payload.metadata) as Record<string, unknown>;
      return metadata;
    },
  };
}

/** An idempotency key record as the SQL stores keep it. */
export interface StoredIdempotencyRow {
  readonly scope: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly message_id: string;
  readonly issued_at: string;
  /** ISO 8601 (UTC), or epoch milliseconds. */
  readonly expires_at: string | bigint | number;
  /** A position, as a bigint or its text. */
  readonly first_position: bigint | string | null;
  /** JSON: the versions its command read, by stream. */
  readonly read_versions: string | null;
  /** JSON. */
  readonly answer: string | null;
}

/** The record a row holds. */
export function decodeIdempotencyRecord(row: StoredIdempotencyRow): IdempotencyRecord {
  const expires = row.expires_at;
  return {
    scope: row.scope,
    key: row.key,
    fingerprint: row.fingerprint,
    messageId: row.message_id,
    issuedAt: row.issued_at,
    expiresAt: typeof expires === 'string' ? expires : new Date(Number(expires)).toISOString(),
    ...(row.first_position === null ? {} : { firstPosition: BigInt(row.first_position) }),
    ...(row.read_versions === null
      ? {}
      : { readVersions: fromJson(row.read_versions) as Record<string, number> }),
    ...(row.answer === null ? {} : { answer: fromJson(row.answer) }),
  };
}

/** The stream versions a record's command read, as stored: JSON, or NULL when it has none. */
export function encodeReadVersions(readVersions: IdempotencyRecord['readVersions']): string | null {
  return readVersions === undefined ? null : toJson(readVersions);
}
