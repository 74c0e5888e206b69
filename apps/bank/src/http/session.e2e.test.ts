// GET /session tells the web UI which role a key has, so that it shows only what that role may do; and the
// UI itself is served at / without a key, while every other unknown path stays a 404 problem.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KEYS, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;

beforeAll(async () => {
  bank = await serveBank();
});
afterAll(() => bank.close());

describe('GET /session', () => {
  test('answers the role of the key sent, and the customer of a customer key', async () => {
    const answers = await Promise.all(
      (['teller', 'auditor', 'alice', 'bob'] as const).map((as) => bank.call('GET', '/session', { as })),
    );
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, { role: 'teller' }],
      [200, { role: 'auditor' }],
      [200, { role: 'customer', customerId: 'alice' }],
      [200, { role: 'customer', customerId: 'bob' }],
    ]);
    expect(answers[0]?.headers.get('x-position')).toBe('0');
  });

  test('without a key or with an unknown one it is a 401 problem', async () => {
    for (const as of [null, { key: `${KEYS.teller}-not` }]) {
      const answer = await bank.call('GET', '/session', { as });
      expect(answer.status).toBe(401);
      expect(answer.body.type).toBe('/problems/unauthorized');
    }
  });

  test('is in the OpenAPI document', async () => {
    const openapi = await bank.call('GET', '/openapi.json', { as: null });
    const paths = openapi.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/session'] ?? {})).toEqual(['get']);
  });
});

describe('the web UI', () => {
  test('/ needs no key; it is the built page, or a message saying how to build it', async () => {
    const page = await bank.call('GET', '/', { as: null });
    expect(page.status).toBe(200);
    if (page.headers.get('content-type')?.startsWith('text/html')) {
      expect(page.text).toContain('<div id="app">');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      // The bundle is named after its content: it may be kept for good.
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
      expect(script).toBeDefined();
      const asset = await bank.call('GET', script ?? '', { as: null });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    } else {
      expect(page.text).toContain('npm run build');
    }
  });

  test('a path that is neither the UI nor a route is still the 404 problem', async () => {
    const answer = await bank.call('GET', '/no-such-page', { as: null });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });
});
