// Requests without a valid key count against their address: an IPv6 client by its /64 (it holds 2^64
// addresses), an IPv4-mapped address as the IPv4 address. Requests are injected from chosen addresses.
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyRequest } from 'fastify';
import { afterEach, expect, test } from 'vitest';
import { MAX_COUNTED, rateLimitOptions } from './rateLimits.js';
import { walletApp, type WalletApp } from '@janus/test-support/walletApp';

let wallet: WalletApp | undefined;
afterEach(() => wallet?.close());

const statusesFrom = async (addresses: readonly string[]) => {
  const app = wallet!.app;
  const statuses: number[] = [];
  for (const remoteAddress of addresses) {
    statuses.push((await app.inject({ method: 'GET', url: '/nowhere', remoteAddress })).statusCode);
  }
  return statuses;
};

test('the addresses of one IPv6 /64 share one limit; another /64 has its own', async () => {
  wallet = await walletApp({ rateLimits: { perMinute: {}, anonymous: 3 } });
  expect(
    await statusesFrom(['2001:db8:0:1::1', '2001:db8:0:1::2', '2001:db8:0:1:ffff::3', '2001:db8:0:1::4']),
  ).toEqual([404, 404, 404, 429]);
  expect(await statusesFrom(['2001:db8:0:2::1'])).toEqual([404]);
});

test('an IPv4-mapped IPv6 address counts as the IPv4 address', async () => {
  wallet = await walletApp({ rateLimits: { perMinute: {}, anonymous: 2 } });
  expect(await statusesFrom(['203.0.113.7', '::ffff:203.0.113.7', '::ffff:cb00:7107'])).toEqual([
    404, 404, 429,
  ]);
});

test('the counted keys are a bounded map: beyond the cap the least recently seen is forgotten', async () => {
  const limits = { perMinute: {}, anonymous: 1 };
  expect(rateLimitOptions(limits, () => Promise.resolve(undefined)).cache).toBe(MAX_COUNTED);
  expect(MAX_COUNTED).toBe(100_000);
  // The same options with a cap of 2: a third address pushes out the first, whose count starts again.
  const app = Fastify();
  await app.register(fastifyRateLimit, {
    ...rateLimitOptions(limits, () => Promise.resolve(undefined)),
    cache: 2,
  });
  const limiter = app.createRateLimit();
  const allowed = async (ip: string) => {
    const limit = await limiter({ ip, routeOptions: {} } as unknown as FastifyRequest);
    return limit.isAllowed || !limit.isExceeded;
  };
  expect([await allowed('10.0.0.1'), await allowed('10.0.0.1')]).toEqual([true, false]);
  expect([await allowed('10.0.0.2'), await allowed('10.0.0.3')]).toEqual([true, true]);
  expect(await allowed('10.0.0.1')).toBe(true);
  await app.close();
});
