// The errors the framework produces itself, before or instead of a route: a malformed percent-encoding,
// a URL or headers too large, a malformed or too slow request, a body cut off. Each was Fastify's (or
// Node's) own JSON; each is a problem+json with a slug that names it, and none logs at error level.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_URL_LENGTH } from './clientError.js';
import { capturedLog } from '@janus/test-support/capturedLog';
import { rawGet, rawMessage, rawRequest, type RawAnswer } from '@janus/test-support/rawHttp';
import { KEYS, walletApp, type WalletApp } from '@janus/test-support/walletApp';

const log = capturedLog('debug');
const arrived = new Map<string, () => void>();
const erred = new Map<string, (error: unknown) => void>();
let wallet: WalletApp;
let port: number;
beforeAll(async () => {
  wallet = await walletApp({ logger: log.logger });
  // Where a request (by its correlation id) reached the app, and failed.
  wallet.app.addHook('onRequest', (request, _reply, done) => {
    arrived.get(request.id)?.();
    done();
  });
  wallet.app.addHook('onError', (request, _reply, error, done) => {
    erred.get(request.id)?.(error);
    done();
  });
  // A request still incomplete after 300 ms is timed out; Node looks every 50 ms (read at listen time), and
  // only while the headers' time-out is no longer than the request's.
  wallet.app.server.requestTimeout = 300;
  wallet.app.server.headersTimeout = 300;
  // Not in Node's types as a property, but read from the server when it starts listening.
  Object.assign(wallet.app.server, { connectionsCheckingInterval: 50 });
  await wallet.app.listen({ port: 0, host: '127.0.0.1' });
  const address = wallet.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening on a port');
  port = address.port;
});
afterAll(async () => {
  await wallet.close();
});

const auth = { authorization: `Bearer ${KEYS.writer}` };

function expectProblem(answer: RawAnswer, status: number, slug: string): Record<string, unknown> {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `/problems/${slug}`, status });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('refused by the router', () => {
  test('a malformed percent-encoding or invalid UTF-8 in the path: 400 validation-error', async () => {
    for (const path of ['/wallets/abc%ZZ', '/wallets/%', '/wallets/%c0%ae', '/wallets/%ED%A0%80']) {
      const answer = await rawRequest(port, rawGet(path, auth));
      const body = expectProblem(answer, 400, 'validation-error');
      expect(body.errors).toEqual([{ path: '', message: 'malformed URL' }]);
      expect(answer.headers['x-correlation-id']).toMatch(/./);
    }
  });

  test('a path parameter longer than the router’s default limit reaches its route, which says what is wrong', async () => {
    const answer = await rawRequest(port, rawGet(`/wallets/${'w'.repeat(150)}`, auth));
    const body = expectProblem(answer, 400, 'validation-error');
    expect(body.errors).toEqual([{ path: 'walletId', message: expect.any(String) as unknown }]);
  });
});

describe('too large', () => {
  test(`a URL longer than ${MAX_URL_LENGTH} characters: 414 uri-too-long`, async () => {
    const path = `/wallets?owner=${'a'.repeat(MAX_URL_LENGTH)}`;
    expectProblem(await rawRequest(port, rawGet(path, auth)), 414, 'uri-too-long');
    // Exactly at the limit, it is served (and refused by the route for what it says).
    const atLimit = `/wallets?owner=${'a'.repeat(MAX_URL_LENGTH - '/wallets?owner='.length)}`;
    expect((await rawRequest(port, rawGet(atLimit, auth))).status).not.toBe(414);
  });

  test('a request line beyond what Node reads at all: 414 uri-too-long too', async () => {
    const answer = await rawRequest(port, rawGet(`/wallets?owner=${'a'.repeat(20_000)}`, auth));
    expectProblem(answer, 414, 'uri-too-long');
  });

  test('headers beyond what Node reads: 431 request-header-fields-too-large', async () => {
    const answer = await rawRequest(port, rawGet('/health', { ...auth, 'x-padding': 'p'.repeat(20_000) }));
    expectProblem(answer, 431, 'request-header-fields-too-large');
  });
});

describe('malformed or too slow', () => {
  test('not HTTP, an unknown method, a bad header: 400 validation-error', async () => {
    for (const request of [
      'HELLO THERE\r\n\r\n',
      rawMessage('BREW', '/health'),
      'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
      'GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n',
    ]) {
      expectProblem(await rawRequest(port, request), 400, 'validation-error');
    }
  });

  test('a request that does not arrive in full in time: 408 request-timeout', async () => {
    const head = rawMessage('POST', '/wallets', {
      ...auth,
      'content-type': 'application/json',
      'content-length': '100',
    });
    expectProblem(await rawRequest(port, `${head}{"walletId":`), 408, 'request-timeout');
  });
});

test('a body the client stops sending is no error of the service', async () => {
  const head = rawMessage('POST', '/wallets', {
    ...auth,
    'content-type': 'application/json',
    'content-length': '100',
    'x-correlation-id': 'gone-mid-body',
  });
  const reached = new Promise<void>((resolve) => arrived.set('gone-mid-body', resolve));
  const failed = new Promise<unknown>((resolve) => erred.set('gone-mid-body', resolve));
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`${head}{"walletId":`);
  // Once the request reached the app, the client goes away with 88 bytes of its body unsent.
  await reached;
  socket.destroy();
  expect(await failed).toMatchObject({ code: 'ECONNRESET' });
  await new Promise((resolve) => setImmediate(resolve)); // the error handler runs right after onError
  expect(log.errors()).toEqual([]);
});

test('nothing above was logged at error level', () => {
  expect(log.errors()).toEqual([]);
});
