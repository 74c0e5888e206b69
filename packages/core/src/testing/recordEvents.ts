import type { RecordedEvent } from '../eventStore.js';
import { fromJson, toJson } from '../json.js';
import type { Event } from '../message.js';

/**
 * An event given to a projection or workflow specification: an event from its factory, optionally with
 * where the log holds it. Left out, the stream is `'given'` and the log position the next one.
 */
export type GivenEvent = Event & {
  readonly id?: string;
  readonly streamId?: string;
  readonly position?: bigint;
  readonly recordedAt?: string;
};

/** When given events were recorded, unless they say: a fixed time, so specifications are repeatable. */
export const GIVEN_TIME = '2026-01-01T00:00:00.000Z';

/**
 * Records given events after `log` as a store would: increasing positions, versions counted per stream,
 * data and metadata through the stores' JSON (so a value that would not survive storage does not here).
 */
export function recordEvents(
  events: readonly GivenEvent[],
  log: readonly RecordedEvent[] = [],
): RecordedEvent[] {
  const versions = new Map<string, number>();
  for (const event of log) versions.set(event.streamId, event.version);
  let position = log.at(-1)?.position ?? 0n;
  return events.map((event) => {
    if (event.position !== undefined && event.position <= position) {
      throw new TypeError(`given event positions must increase: ${event.position} after ${position}`);
    }
    position = event.position ?? position + 1n;
    const streamId = event.streamId ?? 'given';
    const version = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, version);
    return {
      id: event.id ?? `given-${position}`,
      type: event.type,
      data: event.data === undefined ? undefined : fromJson(toJson(event.data)),
      metadata: fromJson(toJson(event.metadata ?? {})),
      streamId,
      version,
      position,
      recordedAt: event.recordedAt ?? GIVEN_TIME,
    } as RecordedEvent;
  });
}
