import { expect, test } from 'vitest';
import { uuidv7 } from './uuidv7.js';

test('is a version 7, variant 10 UUID', () => {
  for (let i = 0; i < 100; i++) {
    expect(uuidv7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

test('starts with the time in milliseconds, so later ids sort after earlier ones', () => {
  const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
  const id = uuidv7(at);
  expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  expect(uuidv7(at + 1) > uuidv7(at)).toBe(true);
  expect(new Set(Array.from({ length: 1000 }, () => uuidv7(at))).size).toBe(1000);
});
