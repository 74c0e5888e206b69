// Rate limits: a token bucket per API key (by its role) and per client address for requests without a
// valid key. A bucket holds a minute's worth of requests and refills continuously, so a client may spend a
// minute's worth at once and then goes on at the sustained rate; one over is a 429 with Retry-After.
import type { Principal } from '@janus/core';
import type { FastifyRequest } from 'fastify';
import type { Authenticator } from './bearerKeys.js';
import { roleKind, type RateLimits } from './httpLimits.js';
import { ProblemError } from './problemError.js';

interface Bucket {
  tokens: number;
  at: number;
  readonly perMinute: number;
}

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterS: number };

/** Token buckets by key, in this process's memory. `now` is injectable for tests. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  #sweptAt: number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#sweptAt = now();
  }

  /** Takes one request from `key`'s bucket of `perMinute`. */
  take(key: string, perMinute: number): Verdict {
    const now = this.#now();
    this.#sweep(now);
    const bucket = this.#buckets.get(key);
    const perMs = perMinute / 60_000;
    const tokens =
      bucket && bucket.perMinute === perMinute
        ? Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs)
        : perMinute;
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now, perMinute });
      return { allowed: true };
    }
    this.#buckets.set(key, { tokens, at: now, perMinute });
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
  }

  /** How many buckets are kept (a full one is forgotten: it is the same as a new one). */
  get size(): number {
    return this.#buckets.size;
  }

  // Once a minute, forgets the buckets that refilled: memory stays bounded by the clients of a minute.
  #sweep(now: number): void {
    if (now - this.#sweptAt < 60_000) return;
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) * bucket.perMinute) / 60_000 >= bucket.perMinute) {
        this.#buckets.delete(key);
      }
    }
  }
}

/** Operations routes that probes and scrapers call: never limited. */
export const UNLIMITED_ROUTES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** A principal's requests per minute: the most generous of its roles, else the anonymous limit. */
export function perMinuteOf(principal: Principal, limits: RateLimits): number {
  const own = principal.roles.flatMap((role) => {
    const limit = limits.perMinute[roleKind(role)];
    return limit === undefined ? [] : [limit];
  });
  return own.length > 0 ? Math.max(...own) : limits.anonymous;
}

/**
 * An onRequest hook that limits every request but the operations routes: by principal when the request
 * carries a valid key, else by client address. Over the limit: a 429 `rate-limited` problem.
 */
export function rateLimitHook(
  limits: RateLimits,
  authenticate: Authenticator,
  limiter: RateLimiter = new RateLimiter(),
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNLIMITED_ROUTES.has(route)) return;
    const principal = await authenticate(request);
    const verdict = principal
      ? limiter.take(`key ${principal.id}`, perMinuteOf(principal, limits))
      : limiter.take(`address ${request.ip}`, limits.anonymous);
    if (verdict.allowed) return;
    throw new ProblemError(
      429,
      'rate-limited',
      principal
        ? `Too many requests with this key; retry in ${verdict.retryAfterS} s.`
        : `Too many requests without a valid key from this address; retry in ${verdict.retryAfterS} s.`,
      { headers: { 'retry-after': String(verdict.retryAfterS) } },
    );
  };
}
