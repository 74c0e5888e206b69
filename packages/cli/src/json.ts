import type { RecordedEvent } from '@janus/core';

/**
 * JSON for machines: bigints (positions, money) become decimal strings, as JavaScript's own JSON
 * parsers would lose their precision. `indent` 0 gives one line (for JSON Lines).
 */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

/** A recorded event as the CLI's JSON shows it: every field, with its data and metadata. */
export function eventJson(event: RecordedEvent): Record<string, unknown> {
  return {
    position: event.position,
    streamId: event.streamId,
    version: event.version,
    type: event.type,
    recordedAt: event.recordedAt,
    id: event.id,
    data: event.data ?? null,
    metadata: event.metadata,
  };
}
