// The columns the PostgreSQL event store reads, as the store-kit codec decodes them.

/** An event as a StoredEventRow: data and metadata as JSON text, the time as ISO 8601 (UTC). */
export const EVENT_COLUMNS = `position, event_id, stream_id, version, type, data::text AS data, metadata::text AS metadata,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

/** An idempotency key record as a StoredIdempotencyRow: its expiry as ISO 8601 (UTC). */
export const KEY_COLUMNS = `scope, key, fingerprint, message_id, issued_at,
  to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at,
  first_position::text AS first_position, read_versions, answer`;
