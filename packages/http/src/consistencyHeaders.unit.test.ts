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
  expect(parseConsistencyHeaders({ 'x-min-position': '9223372036854775807', 'x-max-wait-ms': '0' })).toEqual({
    minPosition: 9223372036854775807n,
    waitMs: 0,
  });
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
  // Positions are int64 in every store: a larger one could never be reached, so waiting for it would end
  // in a 503 for what is bad input.
  expect(fails({ 'x-min-position': '9223372036854775808' })).toEqual([
    { path: 'X-Min-Position', message: 'must be an integer from 0 to 9223372036854775807' },
  ]);
  expect(fails({ 'x-min-position': '99999999999999999999' })[0]?.path).toBe('X-Min-Position');
  expect(fails({ 'x-min-position': '1', 'x-max-wait-ms': '30001' })).toEqual([
    { path: 'X-Max-Wait-Ms', message: 'must be at most 30000' },
  ]);
  expect(fails({ 'x-max-wait-ms': '-1' })[0]?.path).toBe('X-Max-Wait-Ms');
});
