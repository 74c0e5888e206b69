import type { Leases } from '@janus/core';
import type pg from 'pg';
import { createClient } from './pool.js';

export interface PostgresLeasesOptions {
  /** Separates the leases of different applications on one server. Default 'janus'. */
  readonly namespace?: string;
  /**
   * How often a held lease's connection is checked to be alive, and a lease another process holds is
   * asked for again. Default 1000 ms.
   */
  readonly checkIntervalMs?: number;
}

interface Held {
  readonly client: pg.Client;
  alive: boolean;
  checkedAt: number;
}

/**
 * Projection leases as PostgreSQL session advisory locks, one connection per lease: the lock lives as
 * long as the connection, so when a worker process dies (even by SIGKILL) its leases are released by
 * the server at once and another worker takes them on its next round. Checkpoints are compared inside
 * every batch's transaction as well, so even an overlap could not apply a batch twice.
 */
export class PostgresLeases implements Leases {
  readonly #url: string;
  readonly #namespace: string;
  readonly #checkIntervalMs: number;
  readonly #held = new Map<string, Held>();
  /** When each lease held elsewhere was last asked for. */
  readonly #asked = new Map<string, number>();

  constructor(url: string, options: PostgresLeasesOptions = {}) {
    this.#url = url;
    this.#namespace = options.namespace ?? 'janus';
    this.#checkIntervalMs = options.checkIntervalMs ?? 1000;
  }

  async hold(name: string): Promise<boolean> {
    const held = this.#held.get(name);
    if (held?.alive) {
      if (Date.now() - held.checkedAt < this.#checkIntervalMs) return true;
      try {
        await held.client.query('SELECT 1');
        held.checkedAt = Date.now();
        return true;
      } catch {
        held.alive = false;
      }
    }
    if (held) {
      this.#held.delete(name);
      await held.client.end().catch(() => undefined);
    }
    // Asking costs a connection: a runner calls this each time it wakes (on every append, too), so a
    // lease held elsewhere is asked for once per interval only.
    const asked = this.#asked.get(name);
    if (asked !== undefined && Date.now() - asked < this.#checkIntervalMs) return false;
    const taken = await this.#take(name);
    if (taken) this.#asked.delete(name);
    else this.#asked.set(name, Date.now());
    return taken;
  }

  async releaseAll(): Promise<void> {
    const all = [...this.#held.values()];
    this.#held.clear();
    await Promise.all(all.map((h) => h.client.end().catch(() => undefined)));
  }

  /** The names of the projections this process holds now. */
  held(): string[] {
    return [...this.#held].filter(([, h]) => h.alive).map(([name]) => name);
  }

  async #take(name: string): Promise<boolean> {
    const client = createClient(this.#url);
    const held: Held = { client, alive: true, checkedAt: Date.now() };
    client.on('error', () => {
      held.alive = false;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [`janus.lease:${this.#namespace}:${name}`],
      );
      if (rows[0]?.locked) {
        this.#held.set(name, held);
        return true;
      }
    } catch {
      // Unreachable server: no lease, and the runner tries again next round.
    }
    await client.end().catch(() => undefined);
    return false;
  }
}
