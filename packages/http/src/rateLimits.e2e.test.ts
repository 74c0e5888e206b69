// The rate limits of an app made by createHttpApp, with small limits: each key has its role's, requests
// without a valid key share their address's (unknown routes and 401s included), the probes have none,
// and one request over is a 429 `rate-limited` problem with Retry-After. Everything here counts requests.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveForTest, type Answer, type Served } from '@janus/test-support/serveForTest';

let s: Served;
beforeAll(async () => {
  s = await serveForTest({ rateLimits: { perMinute: { writer: 6, reader: 3 }, anonymous: 4 } });
});
afterAll(() => s.close());

const times = async (n: number, send: () => Promise<Answer>) => {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++) answers.push(await send());
  return answers;
};

const expectRateLimited = (answer: Answer) => {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
};

describe('rate limits', () => {
  test("a key gets its role's limit, then a 429; another key is not slowed by it", async () => {
    const reads = await times(4, () => s.call('GET', '/wallets/w1', { as: 'reader' }));
    expect(reads.slice(0, 3).map((a) => a.status)).toEqual([404, 404, 404]);
    expectRateLimited(reads[3]!);
    expect(reads[3]?.body.detail).toContain('this key');
    const writes = await times(6, () => s.call('GET', '/wallets/w1', { as: 'writer' }));
    expect(writes.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expectRateLimited(await s.call('GET', '/wallets/w1', { as: 'writer' }));
  });

  test('without a valid key, requests count against the address, unknown routes and wrong keys too', async () => {
    const answers = [
      await s.call('GET', '/nowhere', { as: null }),
      await s.call('GET', '/wallets/w1', { as: null }),
      await s.call('GET', '/wallets/w1', { as: { key: 'not-a-key' } }),
      await s.call('POST', '/nowhere', { as: null }),
      await s.call('GET', '/nowhere', { as: null }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 401, 401, 404, 429]);
    expectRateLimited(answers[4]!);
    expect(answers[4]?.body.detail).toContain('without a valid key');
  });

  test('the probes are never limited', async () => {
    for (const path of ['/health', '/ready', '/metrics']) {
      const answers = await times(10, () => s.call('GET', path, { as: null }));
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 200));
    }
  });
});
