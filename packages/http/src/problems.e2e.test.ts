import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveForTest, type Answer, type Served } from '@janus/test-support/serveForTest';

let s: Served;
beforeAll(async () => {
  s = await serveForTest();
  await s.call('POST', '/wallets', { json: { walletId: 'w1' } });
});
afterAll(() => s.close());

function expectProblem(answer: Answer, status: number, slug: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: `/problems/${slug}`, status });
  expect(typeof answer.body.title).toBe('string');
  expect(typeof answer.body.detail).toBe('string');
}

describe('requests that do not parse are 400 validation-error', () => {
  test('malformed JSON', async () => {
    const answer = await s.call('POST', '/wallets', {
      raw: '{"walletId": "w2",',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(answer, 400, 'validation-error');
    expect(answer.body.errors).toEqual([{ path: '', message: 'malformed JSON' }]);
  });

  test('a JSON null or array body', async () => {
    const nil = await s.call('POST', '/wallets', {
      raw: 'null',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(nil, 400, 'validation-error');
    const array = await s.call('POST', '/explode', {
      raw: '[]',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(array, 400, 'validation-error');
  });

  test('an empty body declared as JSON', async () => {
    const answer = await s.call('POST', '/wallets', {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(answer, 400, 'validation-error');
  });

  test('an unknown field is refused, not ignored', async () => {
    const answer = await s.call('POST', '/wallets', { json: { walletId: 'w2', admin: true } });
    expectProblem(answer, 400, 'validation-error');
    expect(answer.body.errors).toEqual([{ path: 'admin', message: 'unknown field' }]);
    expect((await s.call('GET', '/wallets/w2')).status).toBe(404);
  });

  test('a wrong type names the field in errors[].path', async () => {
    const answer = await s.call('POST', '/wallets/w1/credits', { json: { amount: '10' } });
    expectProblem(answer, 400, 'validation-error');
    expect(answer.body.errors).toEqual([
      { path: 'amount', message: expect.stringContaining('number') as unknown },
    ]);
  });

  test('a missing field and a bad path parameter are listed together', async () => {
    const answer = await s.call('POST', '/wallets/NOT_VALID/credits', { json: {} });
    expectProblem(answer, 400, 'validation-error');
    expect(answer.body.errors).toEqual([{ path: 'walletId', message: expect.any(String) as unknown }]);
  });

  test('an unknown query parameter and a bad one', async () => {
    const unknown = await s.call('GET', '/wallets?owner=alice&sort=desc', { as: 'reader' });
    expectProblem(unknown, 400, 'validation-error');
    expect(unknown.body.errors).toEqual([{ path: 'sort', message: 'unknown field' }]);
    const bad = await s.call('GET', '/wallets?owner=alice&limit=zero', { as: 'reader' });
    expectProblem(bad, 400, 'validation-error');
    expect(bad.body.errors).toEqual([{ path: 'limit', message: expect.any(String) as unknown }]);
  });

  test("a ValidationError from the bus's validation middleware", async () => {
    // The route's body schema allows any integer; the command's schema wants a positive one.
    const answer = await s.call('PUT', '/wallets/w1/limit', { json: { limit: -5, expectedVersion: 1 } });
    expectProblem(answer, 400, 'validation-error');
    expect(answer.body.errors).toEqual([{ path: 'limit', message: expect.any(String) as unknown }]);
  });
});

describe('authentication and authorization', () => {
  test('no key: 401 unauthorized with WWW-Authenticate: Bearer', async () => {
    const answer = await s.call('GET', '/wallets/w1', { as: null });
    expectProblem(answer, 401, 'unauthorized');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('an unknown key: 401, before the body is even looked at', async () => {
    const answer = await s.call('POST', '/wallets', { as: { key: 'guess' }, raw: 'not json' });
    expectProblem(answer, 401, 'unauthorized');
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('a known caller the command policy refuses: 403 forbidden', async () => {
    const answer = await s.call('POST', '/wallets/w1/credits', { as: 'reader', json: { amount: 5 } });
    expectProblem(answer, 403, 'forbidden');
  });

  test('the query policy is separate: the same reader may read', async () => {
    expect((await s.call('GET', '/wallets/w1', { as: 'reader' })).status).toBe(200);
  });
});

describe('HTTP-level refusals', () => {
  test('an unknown route: 404 not-found (also without a key)', async () => {
    expectProblem(await s.call('GET', '/nowhere', { as: null }), 404, 'not-found');
    expectProblem(await s.call('DELETE', '/wallets/w1'), 404, 'not-found');
  });

  test('a body over 64 KiB: 413 payload-too-large', async () => {
    const answer = await s.call('POST', '/wallets', {
      json: { walletId: 'w3', padding: 'x'.repeat(70 * 1024) },
    });
    expectProblem(answer, 413, 'payload-too-large');
  });

  test('a command body that is not JSON: 415 unsupported-media-type', async () => {
    const text = await s.call('POST', '/wallets', {
      raw: '{"walletId":"w3"}',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(text, 415, 'unsupported-media-type');
    const form = await s.call('POST', '/wallets', {
      raw: 'walletId=w3',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported-media-type');
  });

  test('a command with a body schema and no body at all: 415', async () => {
    expectProblem(await s.call('POST', '/wallets'), 415, 'unsupported-media-type');
  });

  test('a command without a body schema takes no body or {}, nothing else', async () => {
    expectProblem(await s.call('POST', '/explode', { json: { x: 1 } }), 400, 'validation-error');
  });

  test('an Accept the query cannot answer: 406 not-acceptable', async () => {
    const answer = await s.call('GET', '/wallets/w1', { headers: { accept: 'application/pdf' } });
    expectProblem(answer, 406, 'not-acceptable');
  });
});

describe('errors from the handlers', () => {
  test('NotFoundError from a query: 404', async () => {
    expectProblem(await s.call('GET', '/wallets/nobody'), 404, 'not-found');
  });

  test('NotFoundError from a command: 404', async () => {
    expectProblem(await s.call('POST', '/wallets/nobody/credits', { json: { amount: 1 } }), 404, 'not-found');
  });

  test('ConcurrencyError: 409 concurrency-conflict, without store details', async () => {
    const answer = await s.call('PUT', '/wallets/w1/limit', { json: { limit: 10, expectedVersion: 99 } });
    expectProblem(answer, 409, 'concurrency-conflict');
    expect(answer.text).not.toContain('wallet-w1');
  });

  test('a DomainError: 422 with its code as slug and its extensions as members', async () => {
    const answer = await s.call('POST', '/wallets/w1/debits', { json: { amount: 1000 } });
    expectProblem(answer, 422, 'insufficient-funds');
    expect(answer.body).toMatchObject({ title: 'Insufficient funds', balance: 0, requested: 1000 });
  });

  test('a fault: 500 internal, nothing of the error in the body, logged with the correlation id', async () => {
    const answer = await s.call('POST', '/explode', { headers: { 'x-correlation-id': 'boom-1' } });
    expectProblem(answer, 500, 'internal');
    expect(answer.text).not.toMatch(/SQLITE|secret|db\.ts|stack|at /i);
    expect(answer.body.detail).toContain('boom-1');
    const logged = s.logs.find((l) => l.correlationId === 'boom-1' && l.level === 50);
    expect(logged).toMatchObject({
      msg: 'request failed',
      err: { message: expect.stringContaining('secret_accounts') as unknown },
    });
  });
});

describe('DomainError statuses the app maps', () => {
  test('a code mapped to another status answers with it', async () => {
    const mapped = await serveForTest({ domainErrorStatus: { 'wallet-exists': 409 } });
    try {
      await mapped.call('POST', '/wallets', { json: { walletId: 'w9' } });
      const answer = await mapped.call('POST', '/wallets', { json: { walletId: 'w9' } });
      expectProblem(answer, 409, 'wallet-exists');
    } finally {
      await mapped.close();
    }
  });
});
