import type { FastifyRequest } from 'fastify';
import { expect, test } from 'vitest';
import { bearerKeys, bearerToken } from './bearerKeys.js';

const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as FastifyRequest;

test('bearerToken reads the token of a Bearer header only', () => {
  expect(bearerToken('Bearer abc')).toBe('abc');
  expect(bearerToken('bearer abc')).toBe('abc');
  expect(bearerToken('Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBeUndefined();
  expect(bearerToken('Bearer')).toBeUndefined();
  expect(bearerToken('Bearer a b')).toBeUndefined();
  expect(bearerToken(undefined)).toBeUndefined();
});

test('bearerKeys finds the principal of a known key, and nothing for any other', async () => {
  const alice = { id: 'alice', roles: ['teller'] };
  const bob = { id: 'bob', roles: ['auditor'] };
  const authenticate = bearerKeys(
    new Map([
      ['k1-secret', alice],
      ['k2-secret', bob],
    ]),
  );
  expect(await authenticate(request('Bearer k1-secret'))).toBe(alice);
  expect(await authenticate(request('Bearer k2-secret'))).toBe(bob);
  expect(await authenticate(request('Bearer k1-secre'))).toBeUndefined();
  expect(await authenticate(request('Bearer k1-secrets'))).toBeUndefined();
  expect(await authenticate(request('k1-secret'))).toBeUndefined();
  expect(await authenticate(request())).toBeUndefined();
});
