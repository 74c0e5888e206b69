import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '@janus/core';
import type { FastifyRequest } from 'fastify';

/**
 * Who sent a request: its principal, or undefined when it has no valid credentials (a 401). It
 * authenticates only; what the principal may do is decided by the policies on the buses.
 */
export type Authenticator = (
  request: FastifyRequest,
) => Principal | undefined | Promise<Principal | undefined>;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * An Authenticator over a fixed set of API keys, sent as `Authorization: Bearer <key>`. Keys are compared
 * in constant time (digests of equal length, every key compared), so response timing tells nothing of a key.
 */
export function bearerKeys(keys: ReadonlyMap<string, Principal>): Authenticator {
  const entries = [...keys].map(([key, principal]) => ({ digest: digest(key), principal }));
  return (request) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: Principal | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    }
    return found;
  };
}
