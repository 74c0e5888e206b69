// What a run produces: one figure per workload and system, each the median of its repetitions.

export type StoreKind = 'sqlite' | 'postgres' | 'memory';

export interface Figure {
  /** The workload's number as the issue lists it ('6a' and '6b' for its two caller counts). */
  readonly workload: string;
  readonly system: string;
  readonly store: StoreKind;
  /** The packages measured and their versions. */
  readonly version: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** The median of `runs`; null when the system was not measured (see `note`). */
  readonly value: number | null;
  /** Median over the repetitions of each one's per-operation latency percentiles, in milliseconds. */
  readonly p50?: number;
  readonly p99?: number;
  /** Each repetition's figure. */
  readonly runs: readonly number[];
  /** Why it was not measured, how it failed, or what else is worth saying (e.g. ns per dispatch). */
  readonly note?: string;
  /** True when measuring failed: the run then exits non-zero. */
  readonly failed?: boolean;
}

/** One repetition's result. */
export interface Sample {
  readonly value: number;
  readonly p50?: number;
  readonly p99?: number;
  readonly note?: string;
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  /** The size measured, e.g. '10,000 events'. */
  readonly size: string;
  readonly figures: readonly Figure[];
}

/** One run, as written to results/<date>.json. */
export interface RunReport {
  readonly date: string;
  readonly mode: 'full' | 'quick';
  /** The command line's filters, when some workloads or systems were left out. */
  readonly filters: string;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly systems: readonly {
    readonly key: string;
    readonly system: string;
    readonly store: StoreKind;
    readonly measured: boolean;
    readonly note?: string;
  }[];
  readonly workloads: readonly WorkloadResult[];
}
