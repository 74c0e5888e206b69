import type { RecordedEvent } from './eventStore.js';

/** Turns a stored event of an old schema version into the next version: ('x.v1' → 'x.v2'). */
export type Upcaster = (event: {
  type: string;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
}) => {
  type: string;
  data: unknown;
  metadata?: Readonly<Record<string, unknown>>;
};

/** Upcasters by the event type they read. Stores apply them on every read, chaining v1 → v2 → v3. */
export type Upcasters = Readonly<Record<string, Upcaster>>;

export function upcast(event: RecordedEvent, upcasters: Upcasters | undefined): RecordedEvent {
  if (!upcasters) return event;
  let current = event;
  const seen = new Set<string>();
  for (let up = upcasters[current.type]; up; up = upcasters[current.type]) {
    if (seen.has(current.type)) throw new Error(`upcasters loop on event type '${current.type}'`);
    seen.add(current.type);
    const next = up(current);
    current = { ...current, type: next.type, data: next.data, metadata: next.metadata ?? current.metadata };
  }
  return current;
}
