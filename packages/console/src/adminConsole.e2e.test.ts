import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CommandBus,
  InMemoryEventStore,
  InMemoryProjectionStore,
  ProjectionRunner,
  QueryBus,
  workflow,
  type Principal,
} from '@janus/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearerKeys, createHttpApp } from '@janus/http';
import { listenWithGracefulShutdown } from '@janus/service';
import { rawGet, rawRequest } from '@janus/test-support/rawHttp';
import { KEYS, WalletOpened, walletApp, type WalletApp } from '@janus/test-support/walletApp';
import { adminConsole } from './adminConsole.js';
import { sseMessages, type SseMessage } from './sseParser.js';

const principals = new Map<string, Principal>([
  [KEYS.writer, { id: 'alice', roles: ['writer'] }],
  [KEYS.reader, { id: 'bob', roles: ['reader'] }],
]);

interface Console extends WalletApp {
  readonly url: string;
  call(method: string, url: string, options?: { key?: string | null; json?: unknown }): Promise<Answer>;
  live(query?: string, headers?: Record<string, string>): Promise<Live>;
}
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown>;
}
interface Live {
  readonly status: number;
  readonly contentType: string | undefined;
  /** The next message of this event name (skipping others). */
  next(event: string): Promise<SseMessage>;
  close(): void;
}

/** The wallet app with the console mounted for writers. */
async function consoleApp(options: { assets?: string; heartbeatMs?: number } = {}): Promise<WalletApp> {
  const wallet = await walletApp();
  await wallet.app.register(
    adminConsole({
      authenticate: bearerKeys(principals),
      authorize: (principal) => principal.roles.includes('writer'),
      store: wallet.store,
      projections: wallet.runner,
      pollIntervalMs: 50,
      ...options,
    }),
  );
  return wallet;
}

/** The console app, listening on a free port, with fetch helpers. */
async function serveConsole(options: { assets?: string; heartbeatMs?: number } = {}): Promise<Console> {
  const wallet = await consoleApp(options);
  await wallet.app.listen({ port: 0, host: '127.0.0.1' });
  const address = wallet.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  const url = `http://127.0.0.1:${address.port}`;
  const authorization = (key: string | null | undefined): Record<string, string> =>
    key === null ? {} : { authorization: `Bearer ${key ?? KEYS.writer}` };
  return Object.assign(wallet, {
    url,
    async call(method: string, urlPath: string, o: { key?: string | null; json?: unknown } = {}) {
      const response = await fetch(url + urlPath, {
        method,
        headers: {
          ...authorization(o.key),
          ...(o.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(o.json === undefined ? {} : { body: JSON.stringify(o.json) }),
      });
      const text = await response.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      return { status: response.status, headers: response.headers, text, body };
    },
    async live(query = '', headers: Record<string, string> = {}) {
      // node:http rather than fetch: a destroyed fetch makes its pool open spare connections, which a
      // closing server would then wait for.
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http
          .get(
            `${url}/admin/api/live${query}`,
            { headers: { ...authorization(undefined), ...headers } },
            resolve,
          )
          .on('error', reject);
      });
      const messages = sseMessages(Readable.toWeb(response) as ReadableStream<Uint8Array>);
      return {
        status: response.statusCode ?? 0,
        contentType: response.headers['content-type'],
        async next(event: string) {
          for (;;) {
            const result = await messages.next();
            if (result.done === true) throw new Error('the event stream ended');
            if (result.value.event === event) return result.value;
          }
        },
        close: () => {
          response.destroy();
        },
      };
    },
  });
}

const credit = (s: Console, walletId: string, amount: number) =>
  fetch(`${s.url}/wallets/${walletId}/credits`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.writer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount }),
  });
const open = (s: Console, walletId: string) =>
  fetch(`${s.url}/wallets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.writer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ walletId }),
  });
const statusOf = async (s: Console, name: string) =>
  (await s.runner.status()).find((status) => status.name === name);

let s: Console;
beforeAll(async () => {
  s = await serveConsole();
  for (const id of ['a1', 'a2', 'a3', 'b1']) await open(s, id);
  for (let i = 1; i <= 5; i++) await credit(s, 'a1', i);
});
afterAll(() => s.close());

describe('who may use the console', () => {
  test('no key is a 401, a key that authorize refuses a 403 problem; the app’s own routes are unchanged', async () => {
    const none = await s.call('GET', '/admin/api/projections', { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await s.call('GET', '/admin/api/projections', { key: 'not-a-key' });
    expect(wrong.status).toBe(401);
    const reader = await s.call('GET', '/admin/api/streams', { key: KEYS.reader });
    expect(reader.status).toBe(403);
    expect(reader.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
    const live = await s.call('GET', '/admin/api/live', { key: KEYS.reader });
    expect(live.status).toBe(403);
    const rebuild = await s.call('POST', '/admin/api/projections/test.wallets/rebuild', { key: KEYS.reader });
    expect(rebuild.status).toBe(403);
    expect((await s.call('GET', '/wallets/a1', { key: KEYS.reader })).status).toBe(200);
  });

  test('the session says who is signed in', async () => {
    const session = await s.call('GET', '/admin/api/session');
    expect(session.body).toEqual({ id: 'alice', roles: ['writer'] });
  });
});

describe('streams', () => {
  test('by id prefix, a page at a time', async () => {
    const first = await s.call('GET', '/admin/api/streams?prefix=wallet-a&limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      streams: [
        { streamId: 'wallet-a1', version: 6, position: expect.any(Number) as number },
        { streamId: 'wallet-a2', version: 1, position: expect.any(Number) as number },
      ],
      next: 'wallet-a2',
    });
    const second = await s.call('GET', '/admin/api/streams?prefix=wallet-a&limit=2&after=wallet-a2');
    expect(second.body).toMatchObject({ streams: [{ streamId: 'wallet-a3' }], next: null });
    const none = await s.call('GET', '/admin/api/streams?prefix=nothing-');
    expect(none.body).toEqual({ streams: [], next: null });
  });

  test("a stream's events with every field, paged by version", async () => {
    const page = await s.call('GET', `/admin/api/streams/${encodeURIComponent('wallet-a1')}?limit=4`);
    expect(page.status).toBe(200);
    const events = page.body.events as Record<string, unknown>[];
    expect(page.body).toMatchObject({ streamId: 'wallet-a1', version: 6, next: 5 });
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(events[0]).toEqual({
      position: expect.any(Number) as number,
      streamId: 'wallet-a1',
      version: 1,
      type: 'test.WalletOpened.v1',
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      id: expect.any(String) as string,
      metadata: expect.objectContaining({ correlationId: expect.any(String) as string }) as object,
      data: { walletId: 'a1', owner: 'alice' },
    });
    const rest = await s.call('GET', '/admin/api/streams/wallet-a1?from=5&limit=4');
    expect((rest.body.events as { version: number }[]).map((e) => e.version)).toEqual([5, 6]);
    expect(rest.body.next).toBeNull();
    const one = await s.call('GET', '/admin/api/streams/wallet-a1?from=3&limit=1');
    expect(one.body).toMatchObject({ events: [{ version: 3, data: { amount: 2 } }], next: 4 });
  });

  test('an unknown stream is a 404 problem, bad paging a 400 that names the parameter', async () => {
    const missing = await s.call('GET', '/admin/api/streams/wallet-zz');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      type: '/problems/not-found',
      detail: "There is no stream 'wallet-zz'.",
    });
    const bad = await s.call('GET', '/admin/api/streams/wallet-a1?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'limit', message: expect.any(String) as string }]);
    const unknown = await s.call('GET', '/admin/api/streams?colour=red');
    expect(unknown.status).toBe(400);
  });
});

describe('the global log', () => {
  test('the most recent events, or those after a position', async () => {
    const head = Number(await s.store.head());
    const recent = await s.call('GET', '/admin/api/log?limit=3');
    expect(recent.body.head).toBe(head);
    expect((recent.body.events as { position: number }[]).map((e) => e.position)).toEqual([
      head - 2,
      head - 1,
      head,
    ]);
    const after = await s.call('GET', '/admin/api/log?after=1&limit=2');
    expect((after.body.events as { position: number }[]).map((e) => e.position)).toEqual([2, 3]);
    expect((await s.call('GET', '/admin/api/log?after=-1')).status).toBe(400);
  });
});

describe('bad input is a 400 on every store, before any store sees it', () => {
  test("positions beyond int64 (the stores' bigint)", async () => {
    expect((await s.call('GET', '/admin/api/log?after=9223372036854775807')).status).toBe(200);
    for (const url of [
      '/admin/api/log?after=9223372036854775808',
      '/admin/api/log?after=99999999999999999999',
      '/admin/api/live?after=9223372036854775808',
      '/admin/api/streams/wallet-a1?from=9007199254740992',
      // A version is a 32-bit integer in PostgreSQL's store: no stream ever gets that far.
      '/admin/api/streams/wallet-a1?from=2147483648',
    ]) {
      const answer = await s.call('GET', url);
      expect(answer.status, url).toBe(400);
      expect(answer.body.type).toBe('/problems/validation-error');
    }
    const skip = await s.call('POST', '/admin/api/projections/test.wallets/skip', {
      json: { position: '9223372036854775808', reason: 'too far' },
    });
    expect(skip.status).toBe(400);
  });

  test('NUL (PostgreSQL refuses it in text) and unpaired surrogates (no UTF-8) in ids and text', async () => {
    for (const url of [
      '/admin/api/streams/%00',
      '/admin/api/streams/wallet-a1%00',
      '/admin/api/streams?prefix=%00',
      '/admin/api/streams?after=wallet-a1%00',
    ]) {
      const answer = await s.call('GET', url);
      expect(answer.status, url).toBe(400);
      expect(answer.body.type).toBe('/problems/validation-error');
    }
    expect((await s.call('POST', '/admin/api/projections/%00/rebuild')).status).toBe(400);
    for (const reason of ['nul\u0000', 'lone \ud800 surrogate', '\udc00']) {
      const answer = await s.call('POST', '/admin/api/projections/test.wallets/skip', {
        json: { position: 1, reason },
      });
      expect(answer.status, reason).toBe(400);
      expect(answer.body.errors).toEqual([{ path: 'reason', message: expect.any(String) as unknown }]);
    }
  });
});

describe('projections', () => {
  test('status: position, head, lag, state and no failure', async () => {
    await s.runner.waitFor(await s.store.head(), { timeoutMs: 5000 });
    const answer = await s.call('GET', '/admin/api/projections');
    const head = Number(await s.store.head());
    expect(answer.body).toEqual({
      head,
      projections: [
        {
          name: 'test.wallets',
          version: 1,
          position: head,
          head,
          lag: 0,
          state: 'running',
          failure: null,
          rebuild: null,
          declaredVersion: 1,
          outdated: false,
        },
      ],
    });
  });

  test('a rebuild starts (202) and ends with the same read model', async () => {
    const before = await s.call('GET', '/wallets/a1');
    const answer = await s.call('POST', '/admin/api/projections/test.wallets/rebuild');
    expect(answer.status).toBe(202);
    expect(answer.body.projection).toMatchObject({ name: 'test.wallets', state: 'rebuilding' });
    await expect
      .poll(async () => (await statusOf(s, 'test.wallets'))?.state, { timeout: 10_000 })
      .toBe('running');
    expect((await s.call('GET', '/wallets/a1')).body).toEqual(before.body);
    const unknown = await s.call('POST', '/admin/api/projections/nope/rebuild');
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe("There is no projection 'nope'.");
  });

  test('a poison event: the projection stops; skipping it needs its position and a reason', async () => {
    const poisoned = await s.store.append('wallet-poison', [{ type: 'test.Credited.v1', data: null }]);
    await expect
      .poll(async () => (await statusOf(s, 'test.wallets'))?.state, { timeout: 10_000 })
      .toBe('stopped');
    const status = await s.call('GET', '/admin/api/projections');
    const [wallets] = status.body.projections as Record<string, unknown>[];
    expect(wallets).toMatchObject({
      state: 'stopped',
      failure: { position: Number(poisoned.position), eventType: 'test.Credited.v1' },
    });
    const url = '/admin/api/projections/test.wallets/skip';
    const noReason = await s.call('POST', url, { json: { position: Number(poisoned.position) } });
    expect(noReason.status).toBe(400);
    const elsewhere = await s.call('POST', url, { json: { position: 1, reason: 'wrong one' } });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.type).toBe('/problems/concurrency-conflict');
    expect(elsewhere.body.detail).toContain(`it is stopped at ${poisoned.position}`);
    expect((await statusOf(s, 'test.wallets'))?.state).toBe('stopped');
    const skipped = await s.call('POST', url, {
      json: { position: String(poisoned.position), reason: 'a test of poison' },
    });
    expect(skipped.status).toBe(200);
    await credit(s, 'a2', 7);
    await s.runner.waitFor(await s.store.head(), { timeoutMs: 5000 });
    expect((await statusOf(s, 'test.wallets'))?.failure).toBeNull();
    const again = await s.call('POST', url, {
      json: { position: Number(poisoned.position), reason: 'again' },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/concurrency-conflict');
    expect(again.body.detail).toContain('it is running');
  });

  test('a workflow is not rebuilt (it would send its commands again): a 400 naming it, in a contract slug', async () => {
    const store = new InMemoryEventStore();
    const runner = new ProjectionRunner({
      log: store,
      store: new InMemoryProjectionStore(),
      projections: [],
      workflows: [
        workflow({
          name: 'test.reminders',
          version: 1,
          handles: [WalletOpened],
          sends: [],
          route: (event) => event.data.walletId,
          initialState: () => null,
          decide: () => [],
          evolve: (state) => state,
        }),
      ],
      commands: new CommandBus(),
      pollIntervalMs: 50,
    });
    const app = createHttpApp({
      commands: new CommandBus(),
      queries: new QueryBus(),
      routes: [],
      authenticate: bearerKeys(principals),
      logLevel: 'silent',
    });
    await app.register(
      adminConsole({
        authenticate: bearerKeys(principals),
        authorize: () => true,
        store,
        projections: runner,
      }),
    );
    try {
      const answer = await app.inject({
        method: 'POST',
        url: '/admin/api/projections/test.reminders/rebuild',
        headers: { authorization: `Bearer ${KEYS.writer}` },
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({
        type: '/problems/validation-error',
        errors: [{ path: 'name', message: expect.stringContaining('workflow') as unknown }],
      });
    } finally {
      await app.close();
    }
  });
});

describe('live updates by Server-Sent Events', () => {
  test('the status first, then each new event as it commits, with its position as the id', async () => {
    const live = await s.live();
    try {
      expect(live.status).toBe(200);
      expect(live.contentType).toBe('text/event-stream; charset=utf-8');
      const status = JSON.parse((await live.next('projections')).data) as {
        action: number;
        projections: { name: string }[];
      };
      expect(status.projections.map((p) => p.name)).toEqual(['test.wallets']);
      await credit(s, 'b1', 9);
      const message = await live.next('events');
      const events = JSON.parse(message.data) as { type: string; data: unknown; position: number }[];
      expect(events).toMatchObject([{ type: 'test.Credited.v1', data: { walletId: 'b1', amount: 9 } }]);
      expect(message.id).toBe(String(events[0]!.position));
    } finally {
      live.close();
    }
  });

  test('after a rebuild, the status is sent again even when it ends as it began, naming the action', async () => {
    const live = await s.live();
    try {
      const first = JSON.parse((await live.next('projections')).data) as { action: number };
      const answer = await s.call('POST', '/admin/api/projections/test.wallets/rebuild');
      expect(answer.body.action).toBe(first.action + 1);
      for (;;) {
        const status = JSON.parse((await live.next('projections')).data) as {
          action: number;
          projections: { state: string }[];
        };
        if (status.action >= first.action + 1 && status.projections[0]?.state === 'running') break;
      }
    } finally {
      live.close();
    }
  });

  test('after a position (?after= or Last-Event-ID): the events since, then the new ones', async () => {
    const head = Number(await s.store.head());
    for (const live of [
      await s.live(`?after=${head - 2}`),
      await s.live('', { 'last-event-id': String(head - 2) }),
    ]) {
      try {
        const seen: number[] = [];
        while (seen.length < 2) {
          const events = JSON.parse((await live.next('events')).data) as { position: number }[];
          seen.push(...events.map((e) => e.position));
        }
        expect(seen).toEqual([head - 1, head]);
      } finally {
        live.close();
      }
    }
    expect((await s.call('GET', '/admin/api/live?after=x')).status).toBe(400);
  });

  test('heartbeats keep a quiet connection alive', async () => {
    const quiet = await serveConsole({ heartbeatMs: 100 });
    try {
      const response = await fetch(`${quiet.url}/admin/api/live`, {
        headers: { authorization: `Bearer ${KEYS.writer}` },
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes(': heartbeat\n\n')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('ended');
        text += decoder.decode(value, { stream: true });
      }
      await reader.cancel();
    } finally {
      await quiet.close();
    }
  });

  test('a graceful shutdown ends open event streams instead of waiting for them', async () => {
    const { app, runner } = await consoleApp();
    const codes: number[] = [];
    const server = await listenWithGracefulShutdown(app, {
      port: 0,
      signals: [],
      exit: (code) => codes.push(code),
      onClose: () => runner.stop(),
    });
    const response = await fetch(`${server.url}/admin/api/live`, {
      headers: { authorization: `Bearer ${KEYS.writer}` },
    });
    const messages = sseMessages(response.body!);
    expect((await messages.next()).value).toMatchObject({ event: 'projections' });
    await server.shutdown('test');
    expect(codes).toEqual([0]);
    expect(await messages.next()).toEqual({ done: true, value: undefined });
  });
});

describe('the UI’s files', () => {
  let assets: string;
  beforeAll(async () => {
    assets = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-console-assets-'));
    await fs.mkdir(path.join(assets, 'assets'));
    await fs.writeFile(path.join(assets, 'index.html'), '<!doctype html><title>console</title>');
    await fs.writeFile(path.join(assets, 'assets', 'main-abc123.js'), 'console.log(1);');
  });
  afterAll(() => fs.rm(assets, { recursive: true, force: true }));

  test('served without a key: index.html never cached, hashed assets for a year, only this origin', async () => {
    const ui = await serveConsole({ assets });
    try {
      const index = await ui.call('GET', '/admin/', { key: null });
      expect(index.status).toBe(200);
      expect(index.text).toContain('<title>console</title>');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
      const script = await ui.call('GET', '/admin/assets/main-abc123.js', { key: null });
      expect(script.status).toBe(200);
      expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const redirect = await fetch(`${ui.url}/admin`, { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/admin/');
      const missing = await ui.call('GET', '/admin/nothing.js', { key: null });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await ui.close();
    }
  });

  test('no path reaches outside the folder, and no odd path or header is a 5xx', async () => {
    const ui = await serveConsole({ assets });
    const port = Number(new URL(ui.url).port);
    try {
      // Sent as they are: fetch would resolve the dots itself.
      for (const url of [
        '/admin/../../package.json',
        '/admin/assets/../index.html',
        '/admin/assets/%2e%2e/index.html',
        '/admin/assets/%2e%2e/%2e%2e/package.json',
        '/admin/..%5c..%5cpackage.json',
        '/admin/assets\\..\\index.html',
        '/admin/%252e%252e/index.html',
        '/admin/%00',
        '/admin/index.html%00',
        '/admin/assets/main-abc123.js%00.html',
        '/admin/.env',
        '/admin/assets/',
      ]) {
        const answer = await rawRequest(port, rawGet(url));
        expect(answer.status, url).toBe(404);
        expect(answer.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      }
      const range = await rawRequest(port, rawGet('/admin/', { range: 'bytes=999999-' }));
      expect(range.status).toBe(416);
      expect(JSON.parse(range.body)).toMatchObject({ type: '/problems/range-not-satisfiable' });
      const precondition = await rawRequest(port, rawGet('/admin/', { 'if-match': '"nope"' }));
      expect(precondition.status).toBe(412);
      expect(JSON.parse(precondition.body)).toMatchObject({ type: '/problems/precondition-failed' });
    } finally {
      await ui.close();
    }
  });

  test('not built: the service starts, and /admin/ says how to build it', async () => {
    const ui = await serveConsole({ assets: path.join(assets, 'missing') });
    try {
      const answer = await ui.call('GET', '/admin/', { key: null });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(answer.text).toContain('npm run build');
      expect((await ui.call('GET', '/admin/api/session')).status).toBe(200);
    } finally {
      await ui.close();
    }
  });
});
