// Rate limits, counted by @fastify/rate-limit: the requests of each API key against its role's limit, and
// of each client address without a valid key against the anonymous limit, in one-minute windows kept in
// this process's memory. One over is a 429 `rate-limited` problem with Retry-After (the seconds until the
// window ends).
//
// Not the plugin's global mode: that adds its hook to each route as the route is declared, once the
// plugin has loaded. createHttpApp is synchronous, so its own routes are declared before any plugin
// loads, and the not-found handler is no route: both would go unlimited (and unknown URLs are what a key
// guesser sends). So the plugin is registered with `global: false`, and one onRequest hook of ours asks
// its limiter (`createRateLimit`) about every request, whatever route or handler answers it.
import type { Principal } from '@janus/core';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addressBucket } from './addressBucket.js';
import type { Authenticator } from './bearerKeys.js';
import { roleKind, type RateLimits } from './httpLimits.js';
import { ProblemError } from './problemError.js';

/** Operations routes that probes and scrapers call: never limited. */
export const UNLIMITED_ROUTES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/**
 * The keys and addresses counted at once, in the plugin's LRU map: beyond that the least recently seen is
 * forgotten, so a flood of distinct addresses cannot grow memory without bound.
 */
export const MAX_COUNTED = 100_000;

/** A principal's requests per minute: the most generous of its roles, else the anonymous limit. */
export function perMinuteOf(principal: Principal, limits: RateLimits): number {
  const own = principal.roles.flatMap((role) => {
    const limit = limits.perMinute[roleKind(role)];
    return limit === undefined ? [] : [limit];
  });
  return own.length > 0 ? Math.max(...own) : limits.anonymous;
}

/**
 * The plugin's options: who a request counts against (`key <id>`, or `address <bucket>`: an IPv4 address,
 * an IPv6 /64, see addressBucket), and its limit.
 */
export function rateLimitOptions(limits: RateLimits, authenticate: Authenticator): RateLimitPluginOptions {
  return {
    global: false,
    timeWindow: 60_000,
    cache: MAX_COUNTED,
    keyGenerator: async (request) => {
      const principal = await authenticate(request);
      return principal ? `key ${principal.id}` : `address ${addressBucket(request.ip)}`;
    },
    max: async (request) => {
      const principal = await authenticate(request);
      return principal ? perMinuteOf(principal, limits) : limits.anonymous;
    },
  };
}

/**
 * An onRequest hook that limits every request but the operations routes, through the limiter of the
 * plugin registered on `app` with rateLimitOptions. Over the limit: a 429 `rate-limited` problem.
 */
export function rateLimitHook(app: FastifyInstance): (request: FastifyRequest) => Promise<void> {
  // Made at the first request: the plugin has loaded by then.
  let limiter: ReturnType<FastifyInstance['createRateLimit']> | undefined;
  return async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNLIMITED_ROUTES.has(route)) return;
    limiter ??= app.createRateLimit();
    const limit = await limiter(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    const retryAfterS = Math.max(1, limit.ttlInSeconds);
    throw new ProblemError(
      429,
      'rate-limited',
      limit.key.startsWith('key ')
        ? `Too many requests with this key; retry in ${retryAfterS} s.`
        : `Too many requests without a valid key from this address; retry in ${retryAfterS} s.`,
      { headers: { 'retry-after': String(retryAfterS) } },
    );
  };
}
