import { advance } from './advance.js';
import { batchReader, type BatchReader } from './batchReader.js';
import { backOffDelay, ProjectionStopped, type BackOff } from './failureRecords.js';
import type { Leases } from './projectionRunner.js';
import { StaleCheckpointError, type ProjectionRecord } from './projectionStore.js';
import { startDueRebuild, stepRebuild } from './rebuilds.js';
import type { RunContext, Runnable } from './runnable.js';
import type { Wakeups } from './wakeups.js';

export interface CatchUpSettings extends BackOff {
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly autoRebuild: boolean;
  readonly leases: Leases | undefined;
}

/** A runnable whose store calls failed: it waits until `until`, or the next wake-up after `wakeups`. */
interface StoreBackOff {
  readonly failures: number;
  readonly until: number;
  readonly wakeups: number;
}

/**
 * The catch-up loop: in rounds, moves every runnable by a batch (its rebuild's and its active
 * generation's), reading each batch of the log once for all that stand at its position. A runnable
 * stopped at a failing event, or whose store calls fail, backs off alone; the others go on.
 */
export class CatchUp {
  readonly #context: RunContext;
  readonly #runnables: readonly Runnable[];
  readonly #settings: CatchUpSettings;
  readonly #wakeups: Wakeups;
  readonly #backOffs = new Map<string, StoreBackOff>();

  constructor(
    context: RunContext,
    runnables: readonly Runnable[],
    settings: CatchUpSettings,
    wakeups: Wakeups,
  ) {
    this.#context = context;
    this.#runnables = runnables;
    this.#settings = settings;
    this.#wakeups = wakeups;
  }

  /** Runs rounds until `signal` is aborted; sleeps between them while nothing moved. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const seen = this.#wakeups.count;
      const read = batchReader(this.#context.log, this.#settings.batchSize);
      const moved = await Promise.all(this.#runnables.map((r) => this.#round(r, read)));
      if (moved.includes(true)) {
        // With a synchronous store (SQLite) every await above settles at once, as a microtask: without
        // this, a catch-up or a rebuild would hold the event loop (timers, I/O, queries) until it ends.
        await yieldToEventLoop();
      } else {
        await this.#wakeups.sleep(this.#idleMs(), seen, signal);
      }
    }
  }

  /** One runnable's part of a round. True when it moved (or must look again at once). */
  async #round(r: Runnable, read: BatchReader): Promise<boolean> {
    const backOff = this.#backOffs.get(r.name);
    // An append (any wake-up) ends the wait early, as it may mean the store is back.
    if (backOff && backOff.wakeups === this.#wakeups.count && Date.now() < backOff.until) return false;
    const { store, onNotice } = this.#context;
    try {
      const { leases } = this.#settings;
      if (leases && !(await leases.hold(r.name))) return false;
      // A plain read: start() registered it, and ensure() would take the write lock each round.
      const record = (await store.record(r.name)) ?? (await store.ensure(r.stored));
      const current = await startDueRebuild(this.#context, r, record, this.#settings.autoRebuild);
      // A rebuild request it refused: look again at once.
      if (current === undefined) return true;
      // Stopped at a failing event whose back-off has not passed yet.
      if (current.failure && !this.#context.failures.retryDue(current.failure)) return false;
      const moved = await this.#step(r, current, read);
      this.#backOffs.delete(r.name);
      return moved;
    } catch (error) {
      if (error instanceof StaleCheckpointError || error instanceof ProjectionStopped) return true;
      // The store itself failed (busy, disconnected): say so, and wait, longer while it keeps failing.
      onNotice?.({ kind: 'error', projection: r.name, error });
      const failures = (backOff?.failures ?? 0) + 1;
      this.#backOffs.set(r.name, {
        failures,
        until: Date.now() + backOffDelay(this.#settings, failures),
        wakeups: this.#wakeups.count,
      });
      return false;
    }
  }

  /** A batch for the rebuild and one for the active generation. True when anything moved. */
  async #step(r: Runnable, record: ProjectionRecord, read: BatchReader): Promise<boolean> {
    const rebuild = await stepRebuild(this.#context, r, record, read);
    if (rebuild.switched) return true;
    // The active generation moves only while its code is the one that made it; an outdated one stays
    // frozen (still answering queries) until its rebuild switches in. Inline ones move with the appends.
    if (r.stored.lifecycle !== 'async' || r.outdated(record)) return rebuild.moved;
    const moved = await advance(this.#context, r, record, record.generation, record.position, read);
    return moved || rebuild.moved;
  }

  /** How long to sleep while nothing moved: the poll interval, or less when a store back-off ends sooner. */
  #idleMs(): number {
    let ms = this.#settings.pollIntervalMs;
    const now = Date.now();
    // Only those still ahead: one that is over but was not retried (its lease is elsewhere) would spin.
    for (const { until } of this.#backOffs.values()) if (until > now) ms = Math.min(ms, until - now);
    return ms;
  }
}

/** Resolves after the timers and I/O callbacks that are due have run. */
const yieldToEventLoop = () =>
  new Promise<void>((resolve) => {
    setImmediate(resolve);
  });
