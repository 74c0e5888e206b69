import { describe, expect, test } from 'vitest';
import type { Figure } from './figure.js';
import { formatNumber, ratioCell, targetCell, workloadTable } from './report.js';

const figure = (system: string, store: Figure['store'], value: number | null, workload = '1'): Figure => ({
  workload,
  system,
  store,
  version: 'v',
  unit: 'events/s',
  higherIsBetter: true,
  value,
  runs: value === null ? [] : [value],
});

describe('formatNumber', () => {
  test('large figures are whole, with separators; small ones keep three significant digits', () => {
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(45.678)).toBe('45.7');
    expect(formatNumber(0.41234)).toBe('0.412');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('the table', () => {
  const figures = [
    figure('Janus', 'sqlite', 5000),
    figure('Emmett', 'sqlite', 250),
    figure('Janus', 'postgres', 1000),
    figure('raw driver', 'postgres', 2000),
    figure('Emmett', 'postgres', null),
  ];

  test('compares each system with Janus on the same store', () => {
    expect(ratioCell(figures[1]!, figures)).toBe('20×');
    expect(ratioCell(figures[3]!, figures)).toBe('0.5×');
    expect(ratioCell(figures[0]!, figures)).toBe('');
    expect(ratioCell(figures[4]!, figures)).toBe('');
  });

  test('turns the ratio around where lower is better', () => {
    const ms = (system: string, value: number): Figure => ({
      ...figure(system, 'sqlite', value, '5'),
      higherIsBetter: false,
    });
    const loads = [ms('Janus', 2), ms('Emmett', 8)];
    expect(ratioCell(loads[1]!, loads)).toBe('4×');
    expect(targetCell(loads[0]!, loads)).toBe('≤ 5 ms: **met**');
  });

  test("says whether Janus met the issue's target", () => {
    expect(targetCell(figures[0]!, figures)).toBe('≥ 4,000 events/s: **met**');
    expect(targetCell(figures[2]!, figures)).toBe('≥ 2,000 events/s: **missed**');
    expect(targetCell(figures[1]!, figures)).toBe('');
  });

  test('has a row per system, "not measured" where there is no figure', () => {
    const table = workloadTable({ id: '1', title: 'Single appends', size: '10 appends', figures });
    const rows = table
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| system') && !line.startsWith('| ---'));
    expect(rows).toHaveLength(5);
    expect(rows[4]).toContain('not measured');
    expect(table).toContain('### 1. Single appends');
  });
});
