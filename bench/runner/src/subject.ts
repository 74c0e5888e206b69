// What every measured system offers the workloads: Janus, Emmett and the raw drivers, each on SQLite and
// on PostgreSQL, implement this one shape, so that every workload runs the same code against each of them.
// (The Emmett subjects live in their own workspaces, bench/emmett-*, with their own pinned Emmett; they
// return objects of this shape without importing it.)

/** One event as the workloads write it: an account deposit of `amount` cents. */
export interface BenchEvent {
  readonly type: 'Deposited';
  readonly data: { readonly amount: number };
}

/** Where a subject keeps its data: a fresh folder for SQLite files, a fresh database for PostgreSQL. */
export interface SubjectPlace {
  /** An empty folder of its own (SQLite subjects put their database file there). */
  readonly dir: string;
  /** A fresh, empty PostgreSQL database of its own (PostgreSQL subjects use it). */
  readonly pgUrl: string;
}

export interface Subject {
  /** 'Janus', 'Emmett' or 'raw driver'. */
  readonly system: string;
  readonly store: 'sqlite' | 'postgres';
  /** The packages measured and their versions, for the report: `@event-driven-io/emmett-sqlite 0.38.5`. */
  readonly version: string;
  /** Appends one event to a stream that does not exist yet (expected: no stream). */
  appendToNewStream(streamId: string, event: BenchEvent): Promise<void>;
  /** Appends one event to an existing stream, expecting it at `expectedVersion` events (0-based count). */
  appendExpecting(streamId: string, event: BenchEvent, expectedVersion: number): Promise<void>;
  /** Appends several events to a new stream in one append (one transaction). */
  appendMany(streamId: string, events: readonly BenchEvent[]): Promise<void>;
  /** Reads a whole stream and folds it into its state: the sum of its deposits. */
  rehydrate(streamId: string): Promise<number>;
  /**
   * One command round trip, the system's idiomatic way: load the account's stream, decide (a deposit of
   * `amount` to an account that must exist), append with the expected version, retrying on a conflict.
   * The accounts are made by `openAccounts` first.
   */
  deposit(accountId: string, amount: number): Promise<void>;
  /** Opens `count` accounts (`account-0` … `account-<count-1>`), each stream holding one event. */
  openAccounts(count: number): Promise<void>;
  /**
   * Runs an async projection from the start of the log into a simple read model (a balance per stream, in
   * the same database), with a checkpoint, until it has processed every event now in the store; returns
   * how many events it processed.
   */
  catchUp(): Promise<number>;
  close(): Promise<void>;
}

export type OpenSubject = (place: SubjectPlace) => Promise<Subject>;
