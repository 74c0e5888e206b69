import type pg from 'pg';
import { createClient, quoteIdentifier } from './pool.js';

/**
 * Listeners of one LISTEN/NOTIFY channel, on one connection of its own opened when the first listener
 * comes. A lost connection costs latency only (everyone who listens also polls), and is set up again
 * a second later for as long as anyone listens; once it is, the listeners are woken, since what was
 * notified meanwhile reached no one.
 */
export class NotificationChannel {
  readonly #url: string | undefined;
  readonly #channel: string;
  /** Also called once LISTEN is up: what was notified while it was being set up reached no one. */
  readonly #wakeWhenListening: boolean;
  readonly #listeners = new Set<() => void>();
  #client: pg.Client | undefined;
  /** A connection was lost, or could not be made: notifications may have been missed since. */
  #missed = false;
  #closed = false;

  constructor(url: string | undefined, channel: string, options: { readonly wakeWhenListening: boolean }) {
    this.#url = url;
    this.#channel = channel;
    this.#wakeWhenListening = options.wakeWhenListening;
  }

  /** Calls `listener` on every notification; the answer unsubscribes. */
  on(listener: () => void): () => void {
    this.#listeners.add(listener);
    void this.#listen();
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #wake(): void {
    for (const listener of this.#listeners) listener();
  }

  async #listen(): Promise<void> {
    if (this.#client || this.#closed || !this.#url) return;
    const client = createClient(this.#url);
    this.#client = client;
    client.on('notification', () => {
      this.#wake();
    });
    client.on('error', () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#missed = true;
      void client.end().catch(() => undefined);
      this.#listenAgain();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.#channel)}`);
    } catch {
      if (this.#client === client) {
        this.#client = undefined;
        this.#missed = true;
        this.#listenAgain();
      }
      await client.end().catch(() => undefined);
      return;
    }
    if (this.#client !== client) return; // lost already: the next attempt wakes them
    const missed = this.#missed;
    this.#missed = false;
    if (missed || this.#wakeWhenListening) this.#wake();
  }

  #listenAgain(): void {
    if (this.#closed || this.#listeners.size === 0) return;
    setTimeout(() => void this.#listen(), 1000).unref();
  }
}
