import { expect, test } from 'vitest';
import { canonicalJson } from './canonicalJson.js';
import { requestFingerprint } from './idempotencyKeys.js';

test('objects are written with their keys sorted, at every depth; arrays keep their order', () => {
  expect(canonicalJson({ b: 2, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
    '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":2}',
  );
  expect(canonicalJson([2, 1])).toBe('[2,1]');
  expect(canonicalJson('x')).toBe('"x"');
  expect(canonicalJson(undefined)).toBe('null');
  // A key spelled like a prototype member is data like any other.
  expect(canonicalJson(JSON.parse('{"__proto__":{"b":1,"a":2}}'))).toBe('{"__proto__":{"a":2,"b":1}}');
});

test('a request fingerprint does not depend on the order of the body’s keys', () => {
  const one = requestFingerprint('POST', '/transfers', { amount: '5', from: 'a', to: { id: 'b', x: 1 } });
  const two = requestFingerprint('POST', '/transfers', { to: { x: 1, id: 'b' }, from: 'a', amount: '5' });
  expect(one).toBe(two);
  expect(
    requestFingerprint('POST', '/transfers', { amount: '6', from: 'a', to: { id: 'b', x: 1 } }),
  ).not.toBe(one);
  expect(requestFingerprint('POST', '/other', { amount: '5', from: 'a', to: { id: 'b', x: 1 } })).not.toBe(
    one,
  );
  expect(requestFingerprint('PUT', '/transfers', { amount: '5', from: 'a', to: { id: 'b', x: 1 } })).not.toBe(
    one,
  );
});
