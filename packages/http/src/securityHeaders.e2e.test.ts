// Every app made by createHttpApp (the bank, the shop, analytics) puts the security headers on every
// answer: successes, problems from handlers, hooks, the rate limits, the not-found handler and the router
// (a URL that does not decode), and the probes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SECURITY_HEADERS } from './securityHeaders.js';
import { rawRequest } from '@janus/test-support/rawHttp';
import { serveForTest, type Served } from '@janus/test-support/serveForTest';

let s: Served;
beforeAll(async () => {
  s = await serveForTest({ rateLimits: { perMinute: { writer: 1000, reader: 1 }, anonymous: 1000 } });
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
    await s.call('GET', '/wallets/w1', { as: 'reader' }),
    await s.call('GET', '/wallets/w1', { as: 'reader' }),
    await s.call('GET', `/wallets/${'w'.repeat(9000)}`),
    await s.call('GET', '/wallets/w1%ZZ'),
  ];
  expect(answers.map((a) => a.status)).toEqual([201, 400, 401, 404, 200, 200, 200, 429, 414, 400]);
  for (const answer of answers) {
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(answer.headers.get(name)).toBe(value);
  }
});

test('what Node refuses before the app sees it (answered on the socket) carries them too', async () => {
  const answer = await rawRequest(Number(new URL(s.url).port), 'NOT HTTP AT ALL\r\n\r\n');
  expect(answer.status).toBe(400);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers[name]).toBe(value);
});
