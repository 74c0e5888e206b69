import { describe, expect, test } from 'vitest';
import { DateOrInstant, dateRange } from './dateRange.js';

const at = (iso: string) => Date.parse(iso);

describe('dateRange', () => {
  test('plain dates are whole UTC days, both ends included', () => {
    expect(dateRange('2026-12-04', '2026-12-05')).toEqual({
      from: at('2026-12-04T00:00:00Z'),
      to: at('2026-12-06T00:00:00Z'),
    });
    expect(dateRange('2026-12-04', '2026-12-04')).toEqual({
      from: at('2026-12-04T00:00:00Z'),
      to: at('2026-12-05T00:00:00Z'),
    });
  });

  test('instants are taken as they are, and mix with plain dates', () => {
    expect(dateRange('2026-12-04T10:00:00+02:00', '2026-12-04')).toEqual({
      from: at('2026-12-04T08:00:00Z'),
      to: at('2026-12-05T00:00:00Z'),
    });
    expect(dateRange('2026-12-04', '2026-12-04T12:00:00Z').to).toBe(at('2026-12-04T12:00:00Z'));
  });

  test('the schema takes a date or an instant with an offset, nothing else', () => {
    for (const good of ['2026-12-04', '2026-12-04T00:00:00Z', '2026-12-04T01:02:03.456+05:30']) {
      expect(DateOrInstant.safeParse(good).success, good).toBe(true);
    }
    for (const bad of ['2026-13-01', '2026-02-30', '2026-12-04T00:00:00', '20261204', 'yesterday', '']) {
      expect(DateOrInstant.safeParse(bad).success, bad).toBe(false);
    }
  });
});
