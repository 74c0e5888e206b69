import { expect, test } from 'vitest';
import { jsonPosition, stringifyBody } from './jsonPosition.js';

test('a position is a JSON number while it is exact, a string beyond', () => {
  expect(jsonPosition(0n)).toBe(0);
  expect(jsonPosition(42n)).toBe(42);
  expect(jsonPosition(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  expect(jsonPosition(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe('9007199254740992');
  expect(jsonPosition(2n ** 64n)).toBe('18446744073709551616');
});

test('a body with bigints is JSON with decimal strings for them', () => {
  expect(stringifyBody({ balance: 1050n, items: [1n], position: jsonPosition(7n) })).toBe(
    '{"balance":"1050","items":["1"],"position":7}',
  );
});
