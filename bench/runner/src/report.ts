// The results as markdown: a table per workload (Janus beside each other system on the same store, with
// how many times faster Janus is) and the issue's targets, met or missed.
import type { Figure, RunReport, WorkloadResult } from './figure.js';
import { speedup } from './stats.js';
import { isJanus, targetOf } from './targets.js';

/** 12,345 for large figures, three significant digits for small ones (0.412, 2.51, 45.2). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

/** Janus ÷ the other system, as "12.3×" (above 1: Janus faster); empty for Janus itself or no figure. */
export function ratioCell(figure: Figure, figures: readonly Figure[]): string {
  if (isJanus(figure) || figure.value === null) return '';
  const janus = figures.find((f) => isJanus(f) && f.store === figure.store)?.value;
  if (janus === undefined || janus === null) return '';
  return `${formatNumber(speedup(janus, figure.value, figure.higherIsBetter))}×`;
}

export function targetCell(figure: Figure, figures: readonly Figure[]): string {
  const target = targetOf(figure);
  if (!target) return '';
  if (figure.value === null) return `${target.text}: not measured`;
  return `${target.text}: **${target.met(figure, figures) ? 'met' : 'missed'}**`;
}

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

/** One workload's table. */
export function workloadTable(result: WorkloadResult): string {
  const unit = result.figures[0]?.unit ?? '';
  const lines = [
    `### ${result.id}. ${result.title}`,
    '',
    `${result.size}; each figure the median of its repetitions. Janus ÷ it above 1: Janus is faster.`,
    '',
    row(['system', 'store', unit, 'p50 ms', 'p99 ms', 'Janus ÷ it', 'target', 'versions, notes']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---', '---']),
  ];
  for (const f of result.figures) {
    lines.push(
      row([
        f.system,
        f.store,
        f.value === null ? 'not measured' : formatNumber(f.value),
        f.p50 === undefined ? '' : formatNumber(f.p50),
        f.p99 === undefined ? '' : formatNumber(f.p99),
        ratioCell(f, result.figures),
        targetCell(f, result.figures),
        [f.version, f.note].filter(Boolean).join('; ').replaceAll('|', '\\|'),
      ]),
    );
  }
  return lines.join('\n');
}

/** Every target of the issue with Janus's figure, met or missed. */
export function targetsTable(results: readonly WorkloadResult[]): string {
  const lines = [row(['workload', 'store', 'Janus', 'target']), row(['---', '---', '---:', '---'])];
  for (const result of results) {
    for (const f of result.figures) {
      const cell = targetCell(f, result.figures);
      if (cell === '') continue;
      const value = f.value === null ? 'not measured' : `${formatNumber(f.value)} ${f.unit}`;
      lines.push(row([`${result.id}. ${result.title}`, f.store, value, cell]));
    }
  }
  return lines.join('\n');
}

/** The whole report: what was measured where, the targets, then every workload's table. */
export function renderReport(report: RunReport): string {
  const machine = Object.entries(report.machine)
    .map(([key, value]) => `- ${key}: ${value}`)
    .join('\n');
  const unmeasured = report.systems
    .filter((s) => !s.measured)
    .map((s) => `- ${s.key}: ${s.note ?? 'not measured'}`)
    .join('\n');
  return [
    `# Janus benchmarks, ${report.date} (${report.mode}${report.filters ? `, ${report.filters}` : ''})`,
    '',
    'Every system ran in this one process, on the same machine, with the same data and the same durability:',
    'SQLite in WAL mode with synchronous=FULL (an fsync per transaction), PostgreSQL with fsync and',
    'synchronous_commit on. Each repetition starts on a fresh SQLite folder or a fresh PostgreSQL database.',
    'The machine may have been shared with other work: the load averages below say how busy it was.',
    '',
    machine,
    ...(unmeasured ? ['', 'Not measured:', '', unmeasured] : []),
    '',
    '## Targets',
    '',
    targetsTable(report.workloads),
    '',
    '## Workloads',
    '',
    report.workloads.map(workloadTable).join('\n\n'),
    '',
  ].join('\n');
}
