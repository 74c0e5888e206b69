import { ValidationError } from './errors.js';
import type { AppendResult, MultiAppendResult, NewEvent, StreamAppend } from './eventStore.js';
import { assertExpectedVersion, checkExpectedVersion } from './expectedVersion.js';
import { uuidv7 } from './uuidv7.js';

/** Where an already stored event sits, as far as idempotent appends need to know. */
export interface StoredEventRef {
  readonly id: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: bigint;
}

/** One stream's share of an append, with ids given to every event and versions decided. */
export interface PlannedStream {
  readonly streamId: string;
  readonly fromVersion: number;
  readonly events: readonly (NewEvent & { readonly id: string })[];
}

export type AppendPlan =
  | { readonly kind: 'replay'; readonly result: MultiAppendResult }
  | { readonly kind: 'write'; readonly streams: readonly PlannedStream[] };

export interface AppendLookup {
  /** Current version of a stream (0 when absent). */
  streamVersion(streamId: string): number;
  /** The stored events among these ids. */
  findEvents(ids: readonly string[]): readonly StoredEventRef[];
  /** Global position of a stream's last event (0n when absent). */
  streamPosition(streamId: string): bigint;
}

/**
 * Decides what an append does, the same way in every synchronous store: validate the request, detect a
 * replay of already stored event ids (idempotent append), check each stream's expected version, and give
 * every new event its id and version. Throws ValidationError or ConcurrencyError; writes nothing itself.
 */
export function planAppend(appends: readonly StreamAppend[], lookup: AppendLookup): AppendPlan {
  const ids = validateAppends(appends);
  const given = appends.flatMap((a) => a.events.flatMap((e) => (e.id === undefined ? [] : [e.id])));
  if (given.length > 0) {
    const stored = lookup.findEvents(given);
    if (stored.length > 0)
      return { kind: 'replay', result: replayResult(appends, stored, given.length, lookup) };
  }
  const streams = appends.map((append, i) => {
    const current = lookup.streamVersion(append.streamId);
    checkExpectedVersion(append.streamId, append.expectedVersion ?? 'any', current);
    const events = append.events.map((event, j) => ({ ...event, id: ids[i]?.[j] ?? uuidv7() }));
    return { streamId: append.streamId, fromVersion: current, events };
  });
  return { kind: 'write', streams };
}

/**
 * Checks an append request's shape (stream ids, expected versions, event types and ids), the same way in
 * every store; answers the given event ids, per stream.
 */
export function validateAppends(appends: readonly StreamAppend[]): (string | undefined)[][] {
  if (appends.length === 0) throw new ValidationError('an append needs at least one stream');
  const streams = new Set<string>();
  const ids = new Set<string>();
  return appends.map((append) => {
    if (typeof append.streamId !== 'string' || append.streamId.length === 0) {
      throw new ValidationError('a stream id must be a non-empty string');
    }
    if (streams.has(append.streamId)) {
      throw new ValidationError(`stream '${append.streamId}' appears twice in one append`);
    }
    streams.add(append.streamId);
    assertExpectedVersion(append.expectedVersion ?? 'any');
    return append.events.map((event) => {
      if (typeof event.type !== 'string' || event.type.length === 0) {
        throw new ValidationError('an event needs a non-empty type');
      }
      if (event.id !== undefined) {
        if (typeof event.id !== 'string' || event.id.length === 0) {
          throw new ValidationError('an event id must be a non-empty string');
        }
        if (ids.has(event.id))
          throw new ValidationError(`event id '${event.id}' appears twice in one append`);
        ids.add(event.id);
      }
      return event.id;
    });
  });
}

/** Every event of the append is stored already: answer what the first append answered. */
function replayResult(
  appends: readonly StreamAppend[],
  stored: readonly StoredEventRef[],
  givenCount: number,
  lookup: AppendLookup,
): MultiAppendResult {
  const byId = new Map(stored.map((s) => [s.id, s]));
  const complete = appends.every((a) =>
    a.events.every((e) => e.id !== undefined && byId.get(e.id)?.streamId === a.streamId),
  );
  if (!complete || stored.length !== givenCount) {
    throw new ValidationError('some of these event ids were appended before, but not this same append');
  }
  const streams: AppendResult[] = appends.map((a) => {
    const refs = a.events.map((e) => byId.get(e.id ?? '')).filter((r) => r !== undefined);
    const last = refs.reduce<StoredEventRef | undefined>(
      (m, r) => (!m || r.version > m.version ? r : m),
      undefined,
    );
    return last
      ? { streamId: a.streamId, version: last.version, position: last.position }
      : {
          streamId: a.streamId,
          version: lookup.streamVersion(a.streamId),
          position: lookup.streamPosition(a.streamId),
        };
  });
  const position = streams.reduce((max, s) => (s.position > max ? s.position : max), 0n);
  return { streams, position };
}
