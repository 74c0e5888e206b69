import { ValidationError } from '../errors.js';
import type { GlobalLog } from '../eventStore.js';
import type { CommandBus } from '../messageBus.js';
import { CatchUp } from './catchUp.js';
import { FailureRecords } from './failureRecords.js';
import type { Projection } from './projection.js';
import { ProgressSignal } from './progressSignal.js';
import { projectionStatus, type ProjectionStatus } from './projectionStatus.js';
import type { ProjectionRecord, ProjectionStore, ReadModels } from './projectionStore.js';
import { projectionRunnable, workflowRunnable, type RunContext, type Runnable } from './runnable.js';
import type { RunnerNotice } from './runnerNotice.js';
import { Wakeups } from './wakeups.js';
import type { Workflow } from './workflow.js';

export type { RunnerNotice } from './runnerNotice.js';

export interface ProjectionRunnerOptions {
  readonly log: GlobalLog;
  readonly store: ProjectionStore & ReadModels;
  /** Projections to run. */
  readonly projections: readonly Projection[];
  /** Workflows to run; their names share one namespace with the projections'. */
  readonly workflows?: readonly Workflow[];
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

export interface WaitOptions {
  /** The projections that must have reached the position; default: every projection of this runner. */
  readonly projections?: readonly string[];
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs projections and workflows against the global log: each async one follows the log from its
 * checkpoint in batches, applying each batch and its checkpoint in one transaction; rebuilds fill a new
 * generation while the old one keeps answering, then switch. A failing event stops only its projection.
 */
export class ProjectionRunner {
  readonly #options: ProjectionRunnerOptions;
  readonly #runnables: readonly Runnable[];
  readonly #catchUp: CatchUp;
  readonly #wakeups = new Wakeups();
  readonly #progress = new ProgressSignal();
  #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: ProjectionRunnerOptions) {
    const { store, log, onNotice, commands, workflows = [] } = options;
    const initialDelayMs = options.retry?.initialDelayMs ?? 100;
    const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    const context: RunContext = {
      log,
      store,
      onNotice,
      progress: this.#progress,
      failures: new FailureRecords(store, { initialDelayMs, maxDelayMs }, onNotice),
    };
    if (workflows.length > 0 && !commands)
      throw new Error(`workflow '${workflows[0]?.name}' needs a command bus`);
    this.#runnables = [
      ...options.projections.map((p) => projectionRunnable(p, context)),
      ...(commands ? workflows.map((w) => workflowRunnable(w, context, commands)) : []),
    ];
    const names = new Set<string>();
    for (const { name } of this.#runnables) {
      if (names.has(name)) throw new Error(`projection '${name}' is declared twice`);
      names.add(name);
    }
    this.#options = options;
    this.#catchUp = new CatchUp(
      context,
      this.#runnables,
      {
        batchSize: options.batchSize ?? 500,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        autoRebuild: options.autoRebuild ?? true,
        leases: options.leases,
        initialDelayMs,
        maxDelayMs,
      },
      this.#wakeups,
    );
  }

  get projections(): readonly Projection[] {
    return this.#options.projections;
  }

  get workflows(): readonly Workflow[] {
    return this.#options.workflows ?? [];
  }

  /** Registers every projection and workflow with the store, then starts following the log. */
  async start(): Promise<void> {
    if (this.#loop) throw new Error('the projection runner is already running');
    this.#abort = new AbortController();
    for (const r of this.#runnables) await this.#options.store.ensure(r.stored);
    const unsubscribe = this.#options.log.onAppended(() => {
      this.#wakeups.wake();
    });
    this.#abort.signal.addEventListener('abort', unsubscribe);
    this.#loop = this.#catchUp.run(this.#abort.signal);
  }

  /** Stops after the batches in flight; what was committed stays committed. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wakeups.wake();
    await this.#loop;
    this.#loop = undefined;
    await this.#options.leases?.releaseAll();
  }

  /** Status of every projection and workflow of this runner. */
  async status(): Promise<ProjectionStatus[]> {
    const head = await this.#options.log.head();
    const records = await this.#options.store.records();
    return this.#runnables.flatMap((r) => {
      const record = records.find((x) => x.name === r.name);
      return record ? [projectionStatus(record, head, Date.now(), r.version)] : [];
    });
  }

  /**
   * Starts a rebuild into a new generation; the old one keeps answering until the switch. A ValidationError
   * for what cannot be rebuilt (a workflow).
   */
  async rebuild(name: string): Promise<void> {
    const r = this.#runnable(name);
    if (r.notRebuildable !== undefined) {
      throw new ValidationError(`'${name}' cannot be rebuilt.`, [
        { path: 'name', message: r.notRebuildable },
      ]);
    }
    const rebuild = await this.#options.store.beginRebuild(r.stored, await this.#options.log.head());
    this.#options.onNotice?.({ kind: 'rebuild-started', projection: name, generation: rebuild.generation });
    this.#wakeups.wake();
  }

  /** Skips the event a stopped projection is stuck at (recorded, never silent), and lets it go on. */
  async skip(name: string, position: bigint, reason: string): Promise<void> {
    this.#runnable(name);
    await this.#options.store.skip(name, position, reason);
    this.#wakeups.wake();
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
    // Progress in other processes (the projections may run elsewhere) wakes the wait too.
    const { store } = this.#options;
    const off = isProgressFeed(store)
      ? store.onProgress(() => {
          this.#progress.notify();
        })
      : undefined;
    try {
      await this.#progress.waitUntil(
        async () => (await this.#records(options.projections)).every((r) => r.position >= position),
        {
          timeoutMs,
          pollMs: this.#options.pollIntervalMs ?? 1000,
          what: `projections did not reach position ${position}`,
          ...(signal ? { signal } : {}),
        },
      );
    } finally {
      off?.();
    }
  }

  #runnable(name: string): Runnable {
    const r = this.#runnables.find((x) => x.name === name);
    if (!r) throw new Error(`unknown projection '${name}'`);
    return r;
  }

  async #records(names?: readonly string[]): Promise<ProjectionRecord[]> {
    const wanted = names ?? this.#runnables.map((r) => r.name);
    for (const name of wanted) this.#runnable(name);
    const records = await this.#options.store.records();
    return wanted.map((name) => {
      const record = records.find((r) => r.name === name);
      if (!record) throw new Error(`projection '${name}' is not registered yet`);
      return record;
    });
  }
}
