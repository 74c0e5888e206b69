// Every app made by createHttpApp (the bank, the shop, analytics) puts the security headers on every
// answer: successes, problems from handlers, hooks and the not-found handler, and the probes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SECURITY_HEADERS } from './securityHeaders.js';
import { serveForTest, type Served } from './testing/serveForTest.js';

let s: Served;
beforeAll(async () => {
  s = await serveForTest();
});
afterAll(() => s.close());

test('successes, problems and probes all carry the security headers', async () => {
  const answers = [
    await s.call('POST', '/wallets', { json: { walletId: 'w1' } }),
    await s.call('POST', '/wallets', {
      raw: '{"walletId":"a","walletId":"b"}',
      headers: { 'content-type': 'application/json' },
    }),
    await s.call('GET', '/wallets/w1', { as: null }),
    await s.call('GET', '/nowhere'),
    await s.call('GET', '/health'),
    await s.call('GET', '/openapi.json'),
  ];
  expect(answers.map((a) => a.status)).toEqual([201, 400, 401, 404, 200, 200]);
  for (const answer of answers) {
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(answer.headers.get(name)).toBe(value);
  }
});
