import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveForTest, type Served } from '@janus/test-support/serveForTest';

let s: Served;
beforeAll(async () => {
  s = await serveForTest();
});
afterAll(() => s.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('positions', () => {
  test('a command answers the position of its last event as a JSON number', async () => {
    const opened = await s.call('POST', '/wallets', { json: { walletId: 'p1' } });
    expect(opened.status).toBe(201);
    expect(opened.headers.get('location')).toBe('/wallets/p1');
    expect(opened.body).toEqual({ walletId: 'p1', position: Number(await s.store.head()) });
    const credited = await s.call('POST', '/wallets/p1/credits', { json: { amount: 5 } });
    expect(credited.status).toBe(201);
    // The default answer of a command route: the handler's result, position as a number.
    expect(credited.body).toEqual({ version: 2, position: Number(await s.store.head()) });
    expect(credited.text).toMatch(/"position":\d+/);
  });

  test('every query answers X-Position: the position its read models reflect', async () => {
    const { body } = await s.call('POST', '/wallets/p1/credits', { json: { amount: 1 } });
    await s.runner.waitFor(BigInt(body.position as number), { timeoutMs: 2000 });
    const answer = await s.call('GET', '/wallets/p1', { as: 'reader' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-position')).toBe(String(body.position));
    const missing = await s.call('GET', '/wallets/nobody', { as: 'reader' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-position')).toBe(String(body.position)); // not found, as of this position
    const list = await s.call('GET', '/wallets?owner=alice', { as: 'reader' });
    expect(list.headers.get('x-position')).toMatch(/^\d+$/);
  });
});

describe('X-Min-Position: read your own writes', () => {
  test('the query waits until the read models reach the position, then answers the new state', async () => {
    await s.call('POST', '/wallets', { json: { walletId: 'p2' } });
    await s.runner.waitFor(await s.store.head(), { timeoutMs: 2000 });
    await s.runner.stop(); // the read side falls behind
    try {
      const { body } = await s.call('POST', '/wallets/p2/credits', { json: { amount: 42 } });
      const position = String(body.position);
      let answered = false;
      const pending = s
        .call('GET', '/wallets/p2', { headers: { 'x-min-position': position, 'x-max-wait-ms': '10000' } })
        .finally(() => (answered = true));
      await sleep(300);
      expect(answered).toBe(false);
      const stale = await s.call('GET', '/wallets/p2');
      expect(stale.body.balance).toBe(0); // without the header: at once, from the stale read model
      await s.runner.start();
      const fresh = await pending;
      expect(fresh.status).toBe(200);
      expect(fresh.body.balance).toBe(42);
      expect(BigInt(fresh.headers.get('x-position') ?? '0')).toBeGreaterThanOrEqual(BigInt(position));
    } finally {
      await s.runner.stop().catch(() => undefined);
      await s.runner.start().catch(() => undefined);
    }
  });

  test('a position already reached answers at once', async () => {
    const answer = await s.call('GET', '/wallets/p2', { headers: { 'x-min-position': '1' } });
    expect(answer.status).toBe(200);
  });

  test('not reached in time: 503 consistency-timeout with Retry-After', async () => {
    const started = Date.now();
    const answer = await s.call('GET', '/wallets/p2', {
      headers: { 'x-min-position': '999999', 'x-max-wait-ms': '200' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ type: '/problems/consistency-timeout', status: 503 });
    expect(answer.headers.get('retry-after')).toBe('1');
  });

  test.each([
    ['x-min-position', 'abc'],
    ['x-min-position', '-1'],
    ['x-min-position', '1.5'],
    ['x-min-position', ''],
    ['x-max-wait-ms', '30001'],
    ['x-max-wait-ms', 'soon'],
  ])('an invalid %s (%j) is a 400', async (name, value) => {
    const headers = { 'x-min-position': '1', [name]: value };
    const answer = await s.call('GET', '/wallets/p2', { headers });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: '/problems/validation-error' });
    expect(answer.body.errors).toEqual([
      { path: expect.stringMatching(/^X-/) as unknown, message: expect.any(String) as unknown },
    ]);
  });

  test('X-Max-Wait-Ms up to 30000 is fine', async () => {
    const answer = await s.call('GET', '/wallets/p2', {
      headers: { 'x-min-position': '1', 'x-max-wait-ms': '30000' },
    });
    expect(answer.status).toBe(200);
  });
});
