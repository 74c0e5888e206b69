import { isValidationError } from '@janus/core';
import { expect, test } from 'vitest';
import { parseConsistencyHeaders } from './consistencyHeaders.js';

const fails = (headers: Record<string, string | string[]>) => {
  try {
    parseConsistencyHeaders(headers);
  } catch (error) {
    if (isValidationError(error)) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

test('no X-Min-Position: no waiting', () => {
  expect(parseConsistencyHeaders({})).toBeUndefined();
  expect(parseConsistencyHeaders({ 'x-max-wait-ms': '100' })).toBeUndefined();
});

test('X-Min-Position with the default or the given wait', () => {
  expect(parseConsistencyHeaders({ 'x-min-position': '12' })).toEqual({ minPosition: 12n, waitMs: 5000 });
  expect(parseConsistencyHeaders({ 'x-min-position': '18446744073709551615', 'x-max-wait-ms': '0' })).toEqual(
    {
      minPosition: 18446744073709551615n,
      waitMs: 0,
    },
  );
  expect(parseConsistencyHeaders({ 'x-min-position': '1' }, { defaultWaitMs: 50 })).toEqual({
    minPosition: 1n,
    waitMs: 50,
  });
});

test('invalid values are 400s naming the header', () => {
  expect(fails({ 'x-min-position': 'x' })).toEqual([
    { path: 'X-Min-Position', message: expect.any(String) as unknown },
  ]);
  expect(fails({ 'x-min-position': '-3' })[0]?.path).toBe('X-Min-Position');
  expect(fails({ 'x-min-position': '1e3' })[0]?.path).toBe('X-Min-Position');
  expect(fails({ 'x-min-position': ['1', '2'] })[0]?.path).toBe('X-Min-Position');
  expect(fails({ 'x-min-position': '1', 'x-max-wait-ms': '30001' })).toEqual([
    { path: 'X-Max-Wait-Ms', message: 'must be at most 30000' },
  ]);
  expect(fails({ 'x-max-wait-ms': '-1' })[0]?.path).toBe('X-Max-Wait-Ms');
});
