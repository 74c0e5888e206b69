import type { EventBus } from './eventBus.js';
import type { RecordedEvent } from './eventStore.js';

/** The part of a store that tells followers and the event bus that events were committed. */
export class AppendNotifier {
  readonly #listeners = new Set<() => void>();

  constructor(private readonly eventBus?: EventBus) {}

  onAppended(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Call after the commit, never before: a woken reader must find the events. */
  notify(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      // The events are committed: a failing listener must not turn the append into a reported failure.
      try {
        listener();
      } catch (error) {
        console.error('janus: an onAppended listener failed', error); // eslint-disable-line no-console
      }
    }
    if (this.eventBus) void this.eventBus.publish(events);
  }
}
