import { TimeoutError, isStoreUnavailableError } from '../errors.js';
import type { GlobalLog, RecordedEvent } from '../eventStore.js';
import type { CommandBus } from '../messageBus.js';
import { handlesEvent, type Projection } from './projection.js';
import {
  StaleCheckpointError,
  type ProjectionFailure,
  type ProjectionRecord,
  type ProjectionStore,
  type ReadModels,
} from './projectionStore.js';
import { isWorkflow, sendWorkflowCommands } from './workflow.js';
import { projectionStatus, type ProjectionStatus } from './projectionStatus.js';

export interface ProjectionRunnerOptions {
  readonly log: GlobalLog;
  readonly store: ProjectionStore & ReadModels;
  /** Projections and workflows to run. */
  readonly projections: readonly Projection[];
  /** Where workflows send their commands; required when there are workflows. */
  readonly commands?: CommandBus;
  /** Events read per transaction (default 500): large enough to be fast, small enough to keep lag low. */
  readonly batchSize?: number;
  /** Re-reads the log and the records this often without a wake-up, for writers in other processes. */
  readonly pollIntervalMs?: number;
  /**
   * Back-off after a failing event, and while the store itself fails (unreachable, say): doubles from
   * `initialDelayMs` up to `maxDelayMs`.
   */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Rebuild by itself when a projection's declared version differs from its stored one (default true). */
  readonly autoRebuild?: boolean;
  /** Told of failures, rebuild progress and switches: the hook for logs. */
  readonly onNotice?: (notice: RunnerNotice) => void;
  /**
   * With several runner processes on one store: each projection runs only where its lease is held
   * (PostgreSQL: a session advisory lock), and moves to another process when that one dies.
   */
  readonly leases?: Leases;
}

/** Who runs which projection, when several processes could. */
export interface Leases {
  /** Takes the lease on a projection, or confirms it is still held; false while another process holds it. */
  hold(name: string): Promise<boolean>;
  /** Gives up every lease this process holds. */
  releaseAll(): Promise<void>;
}

/** A store that tells when checkpoints moved, also in other processes: waitFor wakes on it. */
export interface ProgressFeed {
  onProgress(listener: () => void): () => void;
}

const isProgressFeed = (store: object): store is ProgressFeed =>
  typeof (store as Partial<ProgressFeed>).onProgress === 'function';

export type RunnerNotice =
  | {
      readonly kind: 'failed';
      readonly projection: string;
      readonly failure: ProjectionFailure;
      readonly error: unknown;
    }
  | { readonly kind: 'recovered'; readonly projection: string }
  | { readonly kind: 'error'; readonly projection: string; readonly error: unknown }
  | { readonly kind: 'rebuild-started'; readonly projection: string; readonly generation: number }
  | { readonly kind: 'rebuild-progress'; readonly projection: string; readonly status: ProjectionStatus }
  | { readonly kind: 'rebuild-completed'; readonly projection: string; readonly generation: number };

export interface WaitOptions {
  /** The projections that must have reached the position; default: every projection of this runner. */
  readonly projections?: readonly string[];
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

type Settings = Omit<ProjectionRunnerOptions, 'retry'> &
  Required<Pick<ProjectionRunnerOptions, 'batchSize' | 'pollIntervalMs' | 'autoRebuild'>> & {
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };

/**
 * Runs a set of projections against the global log: each async projection follows the log from its
 * checkpoint in batches, applying each batch and its checkpoint in one transaction; rebuilds fill a new
 * generation while the old one keeps answering, then switch. A failing event stops only its projection.
 */
export class ProjectionRunner {
  readonly #options: Settings;
  readonly #progress = new Set<() => void>();
  #abort = new AbortController();
  #loops: Promise<void>[] = [];
  #wakeLoops = new Set<() => void>();
  #wakeups = 0;
  #progressCount = 0;

  constructor(options: ProjectionRunnerOptions) {
    const names = new Set<string>();
    for (const p of options.projections) {
      if (names.has(p.name)) throw new Error(`projection '${p.name}' is declared twice`);
      if (isWorkflow(p) && !options.commands) throw new Error(`workflow '${p.name}' needs a command bus`);
      names.add(p.name);
    }
    this.#options = {
      batchSize: 500,
      pollIntervalMs: 1000,
      autoRebuild: true,
      ...options,
      initialDelayMs: options.retry?.initialDelayMs ?? 100,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    };
  }

  get projections(): readonly Projection[] {
    return this.#options.projections;
  }

  /** Registers every projection with the store, then starts following the log. */
  async start(): Promise<void> {
    if (this.#loops.length > 0) throw new Error('the projection runner is already running');
    this.#abort = new AbortController();
    for (const p of this.#options.projections) await this.#options.store.ensure(p);
    const unsubscribe = this.#options.log.onAppended(() => {
      this.#wake();
    });
    this.#abort.signal.addEventListener('abort', unsubscribe);
    this.#loops = this.#options.projections.map((p) => this.#run(p));
  }

  /** Stops after the batches in flight; what was committed stays committed. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake();
    await Promise.all(this.#loops);
    this.#loops = [];
    await this.#options.leases?.releaseAll();
  }

  /** Status of every projection of this runner. */
  async status(): Promise<ProjectionStatus[]> {
    const head = await this.#options.log.head();
    const records = await this.#options.store.records();
    return this.#options.projections.flatMap((p) => {
      const record = records.find((r) => r.name === p.name);
      return record ? [projectionStatus(record, head, Date.now(), p.version)] : [];
    });
  }

  /** Starts a rebuild into a new generation; the old one keeps answering until the switch. */
  async rebuild(name: string): Promise<void> {
    const p = this.#projection(name);
    // Replaying a workflow would send its commands again: its state is its history, not a cache.
    if (isWorkflow(p)) throw new Error(`workflow '${name}' cannot be rebuilt`);
    const rebuild = await this.#options.store.beginRebuild(p, await this.#options.log.head());
    this.#options.onNotice?.({ kind: 'rebuild-started', projection: name, generation: rebuild.generation });
    this.#wake();
  }

  /** Skips the event a stopped projection is stuck at (recorded, never silent), and lets it go on. */
  async skip(name: string, position: bigint, reason: string): Promise<void> {
    this.#projection(name);
    await this.#options.store.skip(name, position, reason);
    this.#wake();
  }

  /** The position every named projection (default: all of them) has processed: what a query reflects. */
  async position(projections?: readonly string[]): Promise<bigint> {
    const records = await this.#records(projections);
    return records.reduce((min, r) => (r.position < min ? r.position : min), records[0]?.position ?? 0n);
  }

  /**
   * Resolves once the named (default: all) projections have processed the log up to `position`;
   * rejects with TimeoutError after `timeoutMs` (default 5000). Wakes on progress, not on a tight poll.
   */
  async waitFor(position: bigint, options: WaitOptions = {}): Promise<void> {
    const { timeoutMs = 5000, signal } = options;
    const reached = async () =>
      (await this.#records(options.projections)).every((r) => r.position >= position);
    const deadline = Date.now() + timeoutMs;
    // Progress in other processes (the projections may run elsewhere) wakes the wait too.
    const { store } = this.#options;
    const off = isProgressFeed(store)
      ? store.onProgress(() => {
          this.#notifyProgress();
        })
      : undefined;
    try {
      for (;;) {
        const seen = this.#progressCount;
        if (await reached()) return;
        const remaining = deadline - Date.now();
        if (remaining <= 0 || signal?.aborted) {
          throw new TimeoutError(`projections did not reach position ${position} within ${timeoutMs} ms`);
        }
        await this.#nextProgress(Math.min(remaining, this.#options.pollIntervalMs), seen, signal);
      }
    } finally {
      off?.();
    }
  }

  #projection(name: string): Projection {
    const p = this.#options.projections.find((x) => x.name === name);
    if (!p) throw new Error(`unknown projection '${name}'`);
    return p;
  }

  async #records(names?: readonly string[]): Promise<ProjectionRecord[]> {
    const wanted = names ?? this.#options.projections.map((p) => p.name);
    for (const name of wanted) this.#projection(name);
    const records = await this.#options.store.records();
    return wanted.map((name) => {
      const record = records.find((r) => r.name === name);
      if (!record) throw new Error(`projection '${name}' is not registered yet`);
      return record;
    });
  }

  /** Resolves on the next progress after the count `seen` (at once if there was some), or after `ms`. */
  #nextProgress(ms: number, seen: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.#progressCount !== seen) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.#progress.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#progress.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  #notifyProgress(): void {
    this.#progressCount++;
    for (const listener of [...this.#progress]) listener();
  }

  #wake(): void {
    this.#wakeups++;
    for (const wake of [...this.#wakeLoops]) wake();
  }

  /** Sleeps unless woken; `seen` is the wake-up count when the round began, so none is ever missed. */
  #sleep(ms: number, seen = this.#wakeups): Promise<void> {
    return new Promise((resolve) => {
      if (this.#abort.signal.aborted || this.#wakeups !== seen) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.#wakeLoops.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeLoops.add(done);
    });
  }

  async #run(p: Projection): Promise<void> {
    const { store, autoRebuild } = this.#options;
    /** Rounds in a row in which the store itself failed. */
    let storeFailures = 0;
    while (!this.#abort.signal.aborted) {
      const seen = this.#wakeups;
      try {
        if (this.#options.leases && !(await this.#options.leases.hold(p.name))) {
          await this.#sleep(this.#options.pollIntervalMs, seen);
          continue;
        }
        // A plain read: start() registered the projection, and ensure() would take the write lock each round.
        let record = (await store.record(p.name)) ?? (await store.ensure(p));
        if (isWorkflow(p) && record.rebuildRequested) {
          // Replaying a workflow would send its commands again: refuse an operator's request, loudly.
          await store.cancelRebuildRequest(p.name);
          const error = new Error(
            `workflow '${p.name}' cannot be rebuilt; the rebuild request was cancelled`,
          );
          this.#options.onNotice?.({ kind: 'error', projection: p.name, error });
          continue;
        }
        const outdated = record.version !== p.version && !record.rebuild && !isWorkflow(p);
        if (!record.rebuild && (record.rebuildRequested || (outdated && autoRebuild))) {
          const rebuild = await store.beginRebuild(p, await this.#options.log.head());
          this.#options.onNotice?.({
            kind: 'rebuild-started',
            projection: p.name,
            generation: rebuild.generation,
          });
          record = { ...record, rebuild };
        }
        if (record.failure && !this.#retryDue(record.failure)) {
          await this.#sleep(this.#options.pollIntervalMs, seen);
          continue;
        }
        const worked = await this.#step(p, record);
        storeFailures = 0;
        if (!worked) await this.#sleep(this.#options.pollIntervalMs, seen);
        // With a synchronous store (SQLite) every await above settles at once, as a microtask: without
        // this, a catch-up or a rebuild would hold the event loop (timers, I/O, queries) until it ends.
        else await yieldToEventLoop();
      } catch (error) {
        if (error instanceof StaleCheckpointError || error instanceof ProjectionStopped) continue;
        // The store itself failed (busy, disconnected): say so, wait, and try again, waiting longer
        // while it keeps failing (an append wakes it earlier).
        this.#options.onNotice?.({ kind: 'error', projection: p.name, error });
        storeFailures++;
        await this.#sleep(
          Math.min(this.#options.maxDelayMs, this.#options.initialDelayMs * 2 ** (storeFailures - 1)),
        );
      }
    }
  }

  #lastAttempt = new Map<string, number>();

  #retryDue(failure: ProjectionFailure): boolean {
    const last = this.#lastAttempt.get(`${failure.generation}:${failure.position}`) ?? 0;
    const delay = Math.min(
      this.#options.maxDelayMs,
      this.#options.initialDelayMs * 2 ** (failure.attempts - 1),
    );
    return Date.now() - last >= delay;
  }

  /** One round: a batch for the rebuild and one for the active generation. True when anything moved. */
  async #step(p: Projection, record: ProjectionRecord): Promise<boolean> {
    let worked = false;
    if (record.rebuild) {
      const { rebuild } = record;
      const moved = await this.#advance(p, record, rebuild.generation, rebuild.position);
      worked ||= moved;
      const frozen = record.version !== p.version || p.lifecycle === 'inline';
      if (!moved && (frozen || rebuild.position >= record.position)) {
        await this.#options.store.completeRebuild(p, rebuild.generation);
        this.#options.onNotice?.({
          kind: 'rebuild-completed',
          projection: p.name,
          generation: rebuild.generation,
        });
        this.#notifyProgress();
        return true;
      }
      if (moved && this.#options.onNotice) {
        const updated = await this.#options.store.record(p.name);
        if (updated) {
          const status = projectionStatus(updated, await this.#options.log.head());
          this.#options.onNotice({ kind: 'rebuild-progress', projection: p.name, status });
        }
      }
    }
    // The active generation moves only while its code is the declared one; an outdated one stays frozen
    // (still answering queries) until its rebuild switches in. Inline projections move with the appends.
    if (p.lifecycle === 'async' && (record.version === p.version || isWorkflow(p))) {
      worked = (await this.#advance(p, record, record.generation, record.position)) || worked;
    }
    return worked;
  }

  /** Applies the next batch after `from` to a generation. False when the log has nothing new for it. */
  async #advance(
    p: Projection,
    record: ProjectionRecord,
    generation: number,
    from: bigint,
  ): Promise<boolean> {
    const batch = await this.#options.log.readAll({ after: from, limit: this.#options.batchSize });
    const last = batch.at(-1);
    if (!last) return false;
    const skipped = await this.#skipped(p);
    const relevant = batch.filter((e) => handlesEvent(p, e) && !skipped.has(e.position));
    const failure = record.failure?.generation === generation ? record.failure : null;
    if (failure) this.#lastAttempt.set(`${generation}:${failure.position}`, Date.now());
    if (isWorkflow(p)) {
      // Commands go out before the state and checkpoint commit, one event at a time: after a crash
      // only the event in flight is replayed, and its commands carry the same ids as before.
      await this.#applyEventByEvent(p, generation, from, last.position, relevant, failure);
    } else {
      try {
        await this.#options.store.applyBatch(p, generation, relevant, from, last.position);
      } catch (error) {
        if (!isEventFailure(error)) throw error;
        await this.#applyEventByEvent(p, generation, from, last.position, relevant, failure);
      }
    }
    if (failure) {
      await this.#options.store.setFailure(p.name, null);
      this.#options.onNotice?.({ kind: 'recovered', projection: p.name });
    }
    this.#notifyProgress();
    return true;
  }

  /**
   * Applies events one transaction each: commits every good one, and at the first failure records it
   * and stops the projection there. Reaching the end, moves the checkpoint to the batch's end.
   */
  async #applyEventByEvent(
    p: Projection,
    generation: number,
    from: bigint,
    to: bigint,
    relevant: readonly RecordedEvent[],
    previous: ProjectionFailure | null,
  ): Promise<void> {
    const { store, commands } = this.#options;
    let cursor = from;
    for (const event of relevant) {
      try {
        if (isWorkflow(p) && commands) {
          await sendWorkflowCommands(p, [event], (id) => store.documents(p).get(id), commands);
        }
        await store.applyBatch(p, generation, [event], cursor, event.position);
        cursor = event.position;
      } catch (error) {
        if (!isEventFailure(error)) throw error;
        const again = previous?.position === event.position;
        const failure: ProjectionFailure = {
          generation,
          position: event.position,
          eventId: event.id,
          eventType: event.type,
          message: error instanceof Error ? error.message : String(error),
          since: again ? previous.since : new Date().toISOString(),
          attempts: again ? previous.attempts + 1 : 1,
        };
        if (cursor > from) this.#notifyProgress();
        await store.setFailure(p.name, failure);
        this.#lastAttempt.set(`${generation}:${event.position}`, Date.now());
        this.#options.onNotice?.({ kind: 'failed', projection: p.name, failure, error });
        throw new ProjectionStopped();
      }
    }
    // Past the events it does not handle too: a batch without a handled event must still move it.
    if (cursor < to) await store.applyBatch(p, generation, [], cursor, to);
  }

  async #skipped(p: Projection): Promise<Set<bigint>> {
    const skips = await this.#options.store.skips(p.name);
    return new Set(skips.filter((s) => s.version === p.version).map((s) => s.position));
  }
}

/**
 * Whether an error applying events may be the events' fault. Not when another runner moved the
 * checkpoint, nor when the store could not be reached: the events are not poison for that, and
 * recording a failure would stop the projection for nothing.
 */
const isEventFailure = (error: unknown) =>
  !(error instanceof StaleCheckpointError) && !isStoreUnavailableError(error);

/** Resolves after the timers and I/O callbacks that are due have run. */
const yieldToEventLoop = () =>
  new Promise<void>((resolve) => {
    setImmediate(resolve);
  });

/** Internal: the projection is stopped at a failing event; its loop waits and retries. */
class ProjectionStopped extends Error {}
