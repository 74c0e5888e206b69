// How much each workload does: the sizes for the full run, tiny ones for --quick (seconds in all).

export interface Sizes {
  readonly repetitions: number;
  /** No operation of a timed run starts after this many seconds (see runCallers). */
  readonly limitSeconds: number;
  /** 1. single-event appends, one caller, each to a new stream. */
  readonly singleAppends: number;
  /** 2. single-event appends to one stream with the expected version. */
  readonly expectedAppends: number;
  /** 3. single-event appends from `callers` concurrent callers to distinct streams. */
  readonly concurrentAppends: number;
  readonly callers: number;
  /** 4. appends of `batchSize` events each, `batchAppends` of them. */
  readonly batchAppends: number;
  readonly batchSize: number;
  /** 5. loads of one stream of `streamLength` events. */
  readonly streamLength: number;
  readonly loads: number;
  /** 6. deposit commands over `accounts` accounts. */
  readonly accounts: number;
  readonly commands: number;
  /** 7. events an async projection catches up with. */
  readonly catchUpEvents: number;
  /** 8. command-bus dispatches. */
  readonly dispatches: number;
  /** 9. seconds of HTTP deposits, over `httpAccounts` accounts. */
  readonly httpSeconds: number;
  readonly httpAccounts: number;
}

export const fullSizes: Sizes = {
  repetitions: 3,
  limitSeconds: 120,
  singleAppends: 10_000,
  expectedAppends: 5_000,
  concurrentAppends: 20_000,
  callers: 32,
  batchAppends: 1_000,
  batchSize: 100,
  streamLength: 1_000,
  loads: 100,
  accounts: 1_000,
  commands: 5_000,
  catchUpEvents: 100_000,
  dispatches: 1_000_000,
  httpSeconds: 20,
  httpAccounts: 100,
};

export const quickSizes: Sizes = {
  repetitions: 1,
  limitSeconds: 20,
  singleAppends: 50,
  expectedAppends: 50,
  concurrentAppends: 160,
  callers: 32,
  batchAppends: 3,
  batchSize: 100,
  streamLength: 1_000,
  loads: 5,
  accounts: 50,
  commands: 100,
  catchUpEvents: 1_000,
  dispatches: 20_000,
  httpSeconds: 2,
  httpAccounts: 10,
};
