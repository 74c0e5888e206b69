import { CommandBus } from '@janus/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { walletApp } from '@janus/test-support/walletApp';
import { serveForTest, type Served } from '@janus/test-support/serveForTest';
import { JanusMetrics } from './janusMetrics.js';

let s: Served;
beforeAll(async () => {
  s = await serveForTest({ operationsCacheMs: 0 });
  await s.call('POST', '/wallets', { json: { walletId: 'o1' } });
});
afterAll(() => s.close());

describe('/metrics under a flood', () => {
  test('200 concurrent /metrics share one projection read', async () => {
    let reads = 0;
    const metrics = new JanusMetrics({
      processMetrics: false,
      projections: async () => {
        reads += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return [{ name: 'test.wallets', position: 0n, lag: 0n }];
      },
    });
    // An hour, so that how long 200 requests take on this machine does not matter.
    const flooded = await serveForTest({ operationsCacheMs: 3_600_000, metrics });
    try {
      const scraped = await Promise.all(
        Array.from({ length: 200 }, () => flooded.call('GET', '/metrics', { as: null })),
      );
      expect(
        scraped.every((a) => a.text.includes('janus_projection_lag_events{projection="test.wallets"} 0')),
      ).toBe(true);
      // Not one per request: one in flight at a time, its outcome reused.
      expect(reads).toBe(1);
    } finally {
      await flooded.close();
    }
  });
});

describe('correlation ids', () => {
  test("the client's X-Correlation-Id is echoed, put into the message metadata and the logs", async () => {
    const answer = await s.call('POST', '/wallets/o1/credits', {
      json: { amount: 3 },
      headers: { 'x-correlation-id': 'req-abc-123' },
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-correlation-id')).toBe('req-abc-123');
    const message = s.seen.find((m) => m.metadata.correlationId === 'req-abc-123');
    expect(message).toMatchObject({
      type: 'test.Credit',
      data: { walletId: 'o1', amount: 3 },
      metadata: { principal: { id: 'alice', roles: ['writer'] } },
    });
    expect(s.logs).toContainEqual(
      expect.objectContaining({ correlationId: 'req-abc-123', msg: 'request completed', status: 201 }),
    );
  });

  test('without one (or with an unsafe one) a fresh id is made', async () => {
    const plain = await s.call('GET', '/wallets/o1');
    expect(plain.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await s.call('GET', '/wallets/o1', { headers: { 'x-correlation-id': 'a b\tc' } });
    expect(unsafe.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers.get('x-correlation-id')).not.toBe(plain.headers.get('x-correlation-id'));
  });

  test('problems carry it too', async () => {
    const answer = await s.call('GET', '/nowhere', { headers: { 'x-correlation-id': 'lost-1' } });
    expect(answer.headers.get('x-correlation-id')).toBe('lost-1');
  });
});

describe('content negotiation', () => {
  test('JSON by default, CSV when asked for', async () => {
    await s.runner.waitFor(await s.store.head(), { timeoutMs: 2000 });
    const json = await s.call('GET', '/wallets/o1');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('vary')).toBe('Accept');
    const csv = await s.call('GET', '/wallets/o1', {
      headers: { accept: 'text/csv, application/json;q=0.5' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="o1.csv"');
    expect(csv.headers.get('x-position')).toMatch(/^\d+$/);
    expect(csv.text).toBe('walletId,owner,balance\no1,alice,3\n');
  });
});

describe('/metrics', () => {
  test('is Prometheus text with the Janus metrics, counting', async () => {
    await s.call('POST', '/wallets/o1/debits', { json: { amount: 999 } }); // a refusal
    await s.runner.waitFor(await s.store.head(), { timeoutMs: 2000 });
    const answer = await s.call('GET', '/metrics', { as: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = answer.text;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    expect(value(/^janus_commands_total\{type="test\.OpenWallet",outcome="success"\} (\d+)$/m)).toBe(1);
    expect(value(/^janus_commands_total\{type="test\.Debit",outcome="insufficient-funds"\} (\d+)$/m)).toBe(1);
    expect(
      value(/^janus_command_duration_seconds_count\{type="test\.Credit"\} (\d+)$/m),
    ).toBeGreaterThanOrEqual(1);
    expect(value(/^janus_events_appended_total (\d+)$/m)).toBe(2);
    expect(
      value(/^janus_queries_total\{type="test\.GetWallet",outcome="success"\} (\d+)$/m),
    ).toBeGreaterThanOrEqual(1);
    const head = Number(await s.store.head());
    expect(value(/^janus_projection_position\{projection="test\.wallets"\} (\d+)$/m)).toBe(head);
    expect(value(/^janus_projection_lag_events\{projection="test\.wallets"\} (\d+)$/m)).toBe(0);
    expect(
      value(
        /^janus_http_requests_total\{method="POST",route="\/wallets\/:walletId\/credits",status="201"\} (\d+)$/m,
      ),
    ).toBe(1);
    expect(text).toMatch(
      /^janus_http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/wallets\/:walletId",status="200"\} \d+$/m,
    );
    // Unknown routes are counted under one label, not one per URL.
    const unmatched = /^janus_http_requests_total\{method="GET",route="unmatched",status="404"\} (\d+)$/m;
    const before = value(unmatched) || 0;
    await s.call('GET', '/random/abc');
    await s.call('GET', '/random/def');
    const again = (await s.call('GET', '/metrics', { as: null })).text;
    expect(Number(unmatched.exec(again)?.[1])).toBe(before + 2);
    expect(again).not.toContain('/random');
  });

  test('each app has its own registry', async () => {
    const other = await serveForTest();
    try {
      const text = (await other.call('GET', '/metrics', { as: null })).text;
      expect(text).not.toMatch(/janus_commands_total\{/);
    } finally {
      await other.close();
    }
  });
});

describe('/openapi.json', () => {
  test('an OpenAPI 3.1 document of every route, its parameters, bodies, responses and problems', async () => {
    const answer = await s.call('GET', '/openapi.json', { as: null });
    expect(answer.status).toBe(200);
    const doc = answer.body as {
      openapi: string;
      info: unknown;
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Wallets', version: '1.0.0' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/explode',
      '/health',
      '/metrics',
      '/openapi.json',
      '/ready',
      '/slow',
      '/wallets',
      '/wallets/{walletId}',
      '/wallets/{walletId}/credits',
      '/wallets/{walletId}/debits',
      '/wallets/{walletId}/limit',
    ]);
    expect(Object.keys(doc.paths['/wallets'] ?? {}).sort()).toEqual(['get', 'post']);

    const open = doc.paths['/wallets']?.post;
    expect(open).toMatchObject({
      operationId: 'test.OpenWallet',
      summary: 'Open a wallet for the caller',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { walletId: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } },
              required: ['walletId'],
              additionalProperties: false,
            },
          },
        },
      },
      responses: {
        '201': {
          content: { 'application/json': { schema: { properties: { position: { type: 'number' } } } } },
        },
        '400': { $ref: '#/components/responses/ValidationError' },
        '401': { $ref: '#/components/responses/Unauthorized' },
        '415': { $ref: '#/components/responses/UnsupportedMediaType' },
        '422': { description: expect.stringContaining('wallet-exists') as unknown },
      },
    });

    const credit = doc.paths['/wallets/{walletId}/credits']?.post;
    expect(credit?.parameters).toEqual([
      {
        name: 'walletId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
      },
    ]);

    const list = doc.paths['/wallets']?.get;
    expect(list?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'owner', in: 'query', required: true }),
        expect.objectContaining({ name: 'limit', in: 'query', required: false }),
        expect.objectContaining({ name: 'X-Min-Position', in: 'header' }),
      ]),
    );

    const get = doc.paths['/wallets/{walletId}']?.get;
    expect(get).toMatchObject({
      responses: {
        '200': {
          headers: { 'X-Position': expect.any(Object) as unknown },
          content: {
            'application/json': expect.any(Object) as unknown,
            'text/csv': expect.any(Object) as unknown,
          },
        },
        '406': { $ref: '#/components/responses/NotAcceptable' },
        '503': { $ref: '#/components/responses/ConsistencyTimeout' },
      },
    });
    expect(doc.paths['/health']?.get?.security).toEqual([]);

    expect(doc.components.schemas.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail'] });
    // Every $ref points at something that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const [, kind, name] = /"#\/components\/(\w+)\/([^"]+)"/.exec(ref) ?? [];
      expect(ref, ref).toMatch(/^"\$ref":"#\/components\//);
      expect(
        (doc.components as Record<string, Record<string, unknown>>)[kind ?? '']?.[name ?? ''],
        ref,
      ).toBeDefined();
    }
  });
});

describe('message metadata', () => {
  test('the principal and correlation id reach query messages too', async () => {
    await s.call('GET', '/wallets/o1', { as: 'reader', headers: { 'x-correlation-id': 'q-1' } });
    expect(s.seen.find((m) => m.metadata.correlationId === 'q-1')).toMatchObject({
      type: 'test.GetWallet',
      metadata: { principal: { id: 'bob' } },
    });
  });
});

describe('start-up', () => {
  test('a route whose message has no handler keeps the app from starting', async () => {
    const broken = await walletApp({ commands: new CommandBus() });
    try {
      await expect(broken.app.ready()).rejects.toThrow(/no handler is registered for 'test.OpenWallet'/);
    } finally {
      await broken.runner.stop();
    }
  });
});
