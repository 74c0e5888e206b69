import type { Database, Statement } from 'better-sqlite3';

interface Job<T> {
  readonly work: () => T;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome<T> =
  | { readonly job: Job<T>; readonly ok: true; readonly value: T }
  | { readonly job: Job<T>; readonly ok: false; readonly error: unknown };

/**
 * Group commit on one SQLite connection: work queued before the next turn of the event loop runs in ONE
 * transaction, so a batch costs one fsync however many callers it serves.
 *
 * - Each job runs in its own savepoint: when it throws, only its own changes are rolled back and only
 *   its own promise rejects; the other jobs of the batch still commit.
 * - Jobs run in the order they were queued, and each sees the changes of the jobs before it.
 * - Promises settle only after COMMIT returned. When the batch as a whole fails (BEGIN or COMMIT fails,
 *   or SQLite itself rolled the transaction back), nothing of it was written and every job rejects.
 *
 * better-sqlite3 is synchronous, so nothing else can run on the connection while a batch is written.
 */
export class GroupCommit<T> {
  readonly #db: Database;
  readonly #onCommit: (values: readonly T[]) => void;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  readonly #savepoint: Statement;
  readonly #release: Statement;
  readonly #rollbackTo: Statement;
  #queue: Job<T>[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  #batches = 0;
  #committed = 0;

  /** `onCommit` is called after each COMMIT with the values of the jobs that succeeded in it. */
  constructor(db: Database, onCommit: (values: readonly T[]) => void) {
    this.#db = db;
    this.#onCommit = onCommit;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
    this.#savepoint = db.prepare('SAVEPOINT janus_job');
    this.#release = db.prepare('RELEASE janus_job');
    this.#rollbackTo = db.prepare('ROLLBACK TO janus_job');
  }

  /** Queues `work` (synchronous, using the connection) for the next batch; settles after its COMMIT. */
  run(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve, reject });
      this.#scheduled ??= setImmediate(() => {
        this.flush();
      });
    });
  }

  /** Writes the queued jobs now, as one batch. Called on the next turn of the event loop, and by close. */
  flush(): void {
    clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const jobs = this.#queue;
    this.#queue = [];
    if (jobs.length === 0) return;

    let outcomes: Outcome<T>[];
    try {
      outcomes = this.#transaction(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }

    this.#batches++;
    const committed: T[] = [];
    for (const outcome of outcomes) {
      if (outcome.ok) {
        committed.push(outcome.value);
        outcome.job.resolve(outcome.value);
      } else {
        outcome.job.reject(outcome.error);
      }
    }
    this.#committed += committed.length;
    if (committed.length > 0) this.#onCommit(committed);
  }

  /** Committed batches (transactions) and the jobs that succeeded in them, since this was created. */
  stats(): { readonly batches: number; readonly jobs: number } {
    return { batches: this.#batches, jobs: this.#committed };
  }

  #transaction(jobs: readonly Job<T>[]): Outcome<T>[] {
    this.#begin.run();
    try {
      const outcomes = jobs.map((job) => this.#runJob(job));
      this.#commit.run();
      return outcomes;
    } catch (error) {
      try {
        // A failed COMMIT leaves the transaction open; some errors make SQLite roll it back itself.
        if (this.#db.inTransaction) this.#rollback.run();
      } catch {
        // The first error is the one to report.
      }
      throw error;
    }
  }

  #runJob(job: Job<T>): Outcome<T> {
    this.#savepoint.run();
    try {
      const value = job.work();
      this.#release.run();
      return { job, ok: true, value };
    } catch (error) {
      // SQLite rolls the whole transaction back on some errors (I/O, disk full): then the batch is lost.
      if (!this.#db.inTransaction) throw error;
      this.#rollbackTo.run();
      this.#release.run();
      return { job, ok: false, error };
    }
  }
}
