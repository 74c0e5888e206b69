import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveForTest, type Served } from '@janus/test-support/serveForTest';

let s: Served;
beforeAll(async () => {
  // Readiness flips in these tests: its outcome is not reused (that is tested apart).
  s = await serveForTest({ operationsCacheMs: 0 });
});
afterAll(() => s.close());

describe('health and readiness', () => {
  test('/health answers 200 {status: ok} without a key', async () => {
    const answer = await s.call('GET', '/health', { as: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  test("/ready follows the app's check", async () => {
    expect((await s.call('GET', '/ready', { as: null })).status).toBe(200);
    s.ready = false;
    try {
      const answer = await s.call('GET', '/ready', { as: null });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ type: '/problems/unavailable' });
      expect(answer.headers.get('retry-after')).toBe('1');
    } finally {
      s.ready = true;
    }
  });
});

describe('/ready under a flood', () => {
  test('200 concurrent /ready share one check', async () => {
    let checks = 0;
    // An hour, so that how long 200 requests take on this machine does not matter.
    const flooded = await serveForTest({
      operationsCacheMs: 3_600_000,
      ready: async () => {
        checks += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return true;
      },
    });
    try {
      const ready = await Promise.all(
        Array.from({ length: 200 }, () => flooded.call('GET', '/ready', { as: null })),
      );
      expect(ready.every((a) => a.status === 200)).toBe(true);
      // Not one per request: one in flight at a time, its outcome reused.
      expect(checks).toBe(1);
    } finally {
      await flooded.close();
    }
  });
});
