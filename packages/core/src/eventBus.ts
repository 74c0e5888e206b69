import type { RecordedEvent } from './eventStore.js';

export type EventListener = (event: RecordedEvent) => void | Promise<void>;

export interface EventBusOptions {
  /** Where a failing listener's error goes; the append it follows has succeeded regardless. */
  readonly onError?: (error: unknown, event: RecordedEvent) => void;
}

/**
 * In-process notification of events after they were committed. Not the source of truth: a process that
 * crashes loses notifications, never events. Use projections for anything that must not be missed.
 */
export class EventBus {
  readonly #listeners = new Map<string, Set<EventListener>>();
  readonly #onError: (error: unknown, event: RecordedEvent) => void;

  constructor(options: EventBusOptions = {}) {
    this.#onError =
      options.onError ??
      ((error, event) => {
        // A listener failed after the commit; nothing can be undone, so make it loud.
        console.error(`janus: event listener failed on ${event.type} at position ${event.position}`, error); // eslint-disable-line no-console
      });
  }

  /** Listens to events of the given types, or '*' for all. Returns an unsubscribe function. */
  on(types: string | readonly string[], listener: EventListener): () => void {
    const list = typeof types === 'string' ? [types] : types;
    for (const type of list) {
      let set = this.#listeners.get(type);
      if (!set) this.#listeners.set(type, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const type of list) this.#listeners.get(type)?.delete(listener);
    };
  }

  /** Calls every matching listener, in order of events; a listener's failure goes to `onError`. */
  async publish(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const listeners = [...(this.#listeners.get(event.type) ?? []), ...(this.#listeners.get('*') ?? [])];
      for (const listener of listeners) {
        try {
          await listener(event);
        } catch (error) {
          this.#onError(error, event);
        }
      }
    }
  }
}
