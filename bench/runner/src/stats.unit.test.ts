import { describe, expect, test } from 'vitest';
import { latencies, median, percentile, speedup } from './stats.js';

describe('median', () => {
  test('of an odd count is the middle value, in any order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  test('of an even count is the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  test('of nothing is NaN', () => {
    expect(median([])).toBeNaN();
  });
});

describe('percentile', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  test('is the nearest rank', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 8, 9], 50)).toBe(8);
  });
  test('of one value is that value, and of none NaN', () => {
    expect(percentile([3], 99)).toBe(3);
    expect(percentile([3], 0)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
  test('latencies sorts before it picks', () => {
    expect(latencies([5, 1, 4, 2, 3])).toEqual({ p50: 3, p99: 5 });
  });
});

describe('speedup', () => {
  test('above 1 when Janus is faster, whichever way the figure points', () => {
    expect(speedup(200, 100, true)).toBe(2);
    expect(speedup(2, 4, false)).toBe(2);
    expect(speedup(50, 100, true)).toBe(0.5);
  });
});
