import { describe, expect, test } from 'vitest';
import { readHttpLimits } from './httpLimits.js';
import { perMinuteOf } from './rateLimits.js';

test('a principal gets the most generous limit of its roles, else the anonymous one', () => {
  const limits = { perMinute: { teller: 1000, customer: 10 }, anonymous: 5 };
  expect(perMinuteOf({ id: 'a', roles: ['customer:alice'] }, limits)).toBe(10);
  expect(perMinuteOf({ id: 'b', roles: ['customer:bob', 'teller'] }, limits)).toBe(1000);
  expect(perMinuteOf({ id: 'c', roles: ['visitor'] }, limits)).toBe(5);
});

describe('readHttpLimits', () => {
  const read = (env: Record<string, string>) => {
    const problems: string[] = [];
    const limits = readHttpLimits((name) => env[name], { teller: 1000, customer: 10 }, problems);
    return { limits, problems };
  };

  test('defaults, and every variable', () => {
    expect(read({})).toEqual({
      limits: {
        rate: { perMinute: { teller: 1000, customer: 10 }, anonymous: 300 },
        timeouts: { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 },
        liveFeedsPerKey: 10,
      },
      problems: [],
    });
    expect(
      read({
        RATE_LIMIT_TELLER: '5',
        RATE_LIMIT_CUSTOMER: '6',
        RATE_LIMIT_ANONYMOUS: '7',
        HTTP_REQUEST_TIMEOUT_MS: '2000',
        HTTP_HEADERS_TIMEOUT_MS: '1000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
        LIVE_FEEDS_PER_KEY: '9',
      }).limits,
    ).toEqual({
      rate: { perMinute: { teller: 5, customer: 6 }, anonymous: 7 },
      timeouts: { requestMs: 2000, headersMs: 1000, keepAliveMs: 500 },
      liveFeedsPerKey: 9,
    });
    // A short request timeout brings the headers' default down with it.
    expect(read({ HTTP_REQUEST_TIMEOUT_MS: '1000' }).limits.timeouts.headersMs).toBe(1000);
  });

  test('every bad value is named by its variable', () => {
    expect(
      read({
        RATE_LIMIT_TELLER: '0',
        RATE_LIMIT_CUSTOMER: 'ten',
        RATE_LIMIT_ANONYMOUS: '-1',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_HEADERS_TIMEOUT_MS: '5000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '1.5',
        LIVE_FEEDS_PER_KEY: '0',
      }).problems,
    ).toEqual([
      "RATE_LIMIT_TELLER must be a whole number of requests per minute from 1 to 1000000000, got '0'",
      "RATE_LIMIT_CUSTOMER must be a whole number of requests per minute from 1 to 1000000000, got 'ten'",
      "RATE_LIMIT_ANONYMOUS must be a whole number of requests per minute from 1 to 1000000000, got '-1'",
      'HTTP_HEADERS_TIMEOUT_MS (5000) must not be above HTTP_REQUEST_TIMEOUT_MS (1000)',
      "HTTP_KEEP_ALIVE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 3600000, got '1.5'",
      "LIVE_FEEDS_PER_KEY must be a whole number of feeds from 1 to 1000, got '0'",
    ]);
  });
});
