// What every workload is, and the loop most of them share: each system, on a fresh place per repetition.
import type { Figure, Sample, WorkloadResult } from './figure.js';
import { inFreshPlace } from './places.js';
import type { Sizes } from './sizes.js';
import { median } from './stats.js';
import type { BenchEvent, Subject } from './subject.js';
import type { System } from './systems.js';

export interface RunContext {
  readonly sizes: Sizes;
  /** The systems selected for this run (some may be unavailable: they get a "not measured" line). */
  readonly systems: readonly System[];
  readonly log: (line: string) => void;
}

export interface Workload {
  /** The number the issue gives it. */
  readonly id: string;
  readonly title: string;
  run(context: RunContext): Promise<WorkloadResult[]>;
}

export interface Measure {
  readonly workload: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** One repetition on a freshly opened subject. */
  readonly sample: (subject: Subject) => Promise<Sample>;
}

/** Measures every selected system, each repetition on a fresh subject in a fresh place. */
export async function measureSystems(context: RunContext, measure: Measure): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const system of context.systems) {
    const base = { workload: measure.workload, system: system.system, store: system.store };
    const shape = { unit: measure.unit, higherIsBetter: measure.higherIsBetter };
    if (!system.open) {
      figures.push({ ...base, ...shape, version: '', value: null, runs: [], note: system.unavailable });
      continue;
    }
    const { open } = system;
    const samples: Sample[] = [];
    let version = '';
    try {
      for (let i = 0; i < context.sizes.repetitions; i++) {
        samples.push(
          await inFreshPlace(system.store === 'postgres', async (place) => {
            const subject = await open(place);
            version = subject.version;
            try {
              return await measure.sample(subject);
            } finally {
              await subject.close();
            }
          }),
        );
      }
      figures.push(summarize(base, shape, version, samples));
    } catch (error) {
      context.log(`  ${system.key} failed: ${String(error)}`);
      figures.push({
        ...base,
        ...shape,
        version,
        value: null,
        runs: [],
        note: `failed: ${String(error)}`,
        failed: true,
      });
    }
  }
  return figures;
}

/** The figure of several repetitions: the median of their values and of their percentiles. */
export function summarize(
  base: Pick<Figure, 'workload' | 'system' | 'store'>,
  shape: Pick<Figure, 'unit' | 'higherIsBetter'>,
  version: string,
  samples: readonly Sample[],
): Figure {
  const p50s = samples.flatMap((s) => (s.p50 === undefined ? [] : [s.p50]));
  const p99s = samples.flatMap((s) => (s.p99 === undefined ? [] : [s.p99]));
  const note = samples.at(-1)?.note;
  return {
    ...base,
    ...shape,
    version,
    value: median(samples.map((s) => s.value)),
    runs: samples.map((s) => s.value),
    ...(p50s.length > 0 ? { p50: median(p50s) } : {}),
    ...(p99s.length > 0 ? { p99: median(p99s) } : {}),
    ...(note === undefined ? {} : { note }),
  };
}

/** Thousands separators: '10,000'. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** The one event every workload writes: a deposit. */
export const deposited = (amount = 1): BenchEvent => ({ type: 'Deposited', data: { amount } });

/** A few operations before the timed ones, so that statements are prepared and the JIT has run. */
export const warmupCount = (total: number): number => Math.min(500, Math.ceil(total / 10));
