// The targets for Janus on this 2-core machine, and whether a run met them.
import type { Figure, StoreKind } from './figure.js';

export interface Target {
  readonly workload: string;
  readonly store: StoreKind;
  /** As the issue words it. */
  readonly text: string;
  /** Whether Janus's figure meets it; `peers` are the workload's other figures (for "≤ @nestjs/cqrs"). */
  readonly met: (janus: Figure, peers: readonly Figure[]) => boolean;
}

const atLeast = (workload: string, store: StoreKind, min: number, unit: string): Target => ({
  workload,
  store,
  text: `≥ ${min.toLocaleString('en-US')} ${unit}`,
  met: (janus) => (janus.value ?? 0) >= min,
});

const atMost = (workload: string, store: StoreKind, max: number, unit: string): Target => ({
  workload,
  store,
  text: `≤ ${max} ${unit}`,
  met: (janus) => janus.value !== null && janus.value <= max,
});

const http = (store: StoreKind, min: number): Target => ({
  workload: '9',
  store,
  text: `≥ ${min.toLocaleString('en-US')}/s, p99 ≤ 50 ms`,
  met: (janus) => (janus.value ?? 0) >= min && janus.p99 !== undefined && janus.p99 <= 50,
});

export const targets: readonly Target[] = [
  atLeast('1', 'sqlite', 4_000, 'events/s'),
  atLeast('1', 'postgres', 2_000, 'events/s'),
  atLeast('3', 'sqlite', 50_000, 'events/s'),
  atLeast('3', 'postgres', 15_000, 'events/s'),
  atLeast('4', 'sqlite', 100_000, 'events/s'),
  atLeast('4', 'postgres', 50_000, 'events/s'),
  atMost('5', 'sqlite', 5, 'ms'),
  atMost('5', 'postgres', 6, 'ms'),
  atLeast('6b', 'sqlite', 20_000, 'commands/s'),
  atLeast('6b', 'postgres', 8_000, 'commands/s'),
  atLeast('7', 'sqlite', 100_000, 'events/s'),
  atLeast('7', 'postgres', 50_000, 'events/s'),
  {
    workload: '8',
    store: 'memory',
    text: '≤ @nestjs/cqrs',
    met: (janus, peers) => {
      const nest = peers.find((f) => f.system === '@nestjs/cqrs')?.value;
      return janus.value !== null && nest != null && janus.value <= nest;
    },
  },
  http('sqlite', 5_000),
  http('postgres', 3_000),
];

/** Janus's own figure in a workload (other rows are compared with it): Janus, or the bank built on it. */
export const isJanus = (figure: Pick<Figure, 'system'>): boolean =>
  figure.system === 'Janus' || figure.system === 'Janus bank';

/** The target of a figure of Janus, if the issue sets one. */
export const targetOf = (figure: Figure): Target | undefined =>
  isJanus(figure)
    ? targets.find((t) => t.workload === figure.workload && t.store === figure.store)
    : undefined;
