// Rate limits with the defaults a bank starts with: a customer hammering its own account from 16
// connections meets 429s within 2,000 requests, each a problem+json with Retry-After; a teller's 32
// connections running the same count meet none; requests without a valid key are limited per address;
// the probes never are. Everything here counts requests: nothing depends on how fast the machine is.
import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { KEYS, after, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
let accountId: string;

beforeAll(async () => {
  bank = await serveBank();
  const opened = await openAccount(bank.call, { customerId: 'alice', initialDeposit: '100' });
  accountId = opened.accountId;
  // The read model has it before anyone hammers it (it is updated asynchronously).
  const read = await bank.call('GET', `/accounts/${accountId}`, { headers: after(opened.position) });
  expect(read.status).toBe(200);
});
afterAll(() => bank.close());

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** `count` GETs of `path` from `connections` kept-alive connections (one loop each), in order of answer. */
async function hammer(path: string, key: string | undefined, connections: number, count: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const replies: Reply[] = [];
  let sent = 0;
  const get = () =>
    new Promise<Reply>((resolve, reject) => {
      const request = http.get(
        `${bank.url}${path}`,
        { agent, headers: key === undefined ? {} : { authorization: `Bearer ${key}` } },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          });
        },
      );
      request.on('error', reject);
    });
  const sockets = new Set<unknown>();
  agent.on('free', (socket) => sockets.add(socket));
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent < count) {
        sent++;
        replies.push(await get());
      }
    }),
  );
  agent.destroy();
  return { replies, sockets: sockets.size };
}

const expectRateLimited = (reply: Reply) => {
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(reply.body)).toMatchObject({ type: '/problems/rate-limited', status: 429 });
  expect(reply.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
};

test('a customer hammering its own account from 16 connections meets 429s within 2,000 requests', async () => {
  const { replies, sockets } = await hammer(`/accounts/${accountId}`, KEYS.alice, 16, 2000);
  expect(sockets).toBe(16);
  const limited = replies.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  expect(replies.filter((r) => r.status !== 429 && r.status !== 200)).toEqual([]);
  for (const reply of limited) expectRateLimited(reply);
  // The limit is the key's, not the connection's: bob's key is not slowed by alice's.
  expect((await bank.call('GET', '/session', { as: 'bob' })).status).toBe(200);
});

test('a teller from 32 connections runs the same 2,000 requests without a 429', async () => {
  const { replies, sockets } = await hammer(`/accounts/${accountId}`, KEYS.teller, 32, 2000);
  expect(sockets).toBe(32);
  expect(replies.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
});

test('requests without a valid key are limited per address; the probes never are', async () => {
  const wrongKey = await hammer(`/accounts/${accountId}`, 'not-a-key-at-all', 8, 400);
  expect(wrongKey.replies.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  const limited = wrongKey.replies.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  for (const reply of limited) expectRateLimited(reply);
  // The same address, now out of anonymous requests, still gets its probes answered.
  for (const path of ['/health', '/ready', '/metrics']) {
    const probes = await hammer(path, undefined, 4, 400);
    expect(probes.replies.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
  }
});

test('the OpenAPI document names the 429 of every command and query', async () => {
  const document = (await bank.call('GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    components: { responses: Record<string, { headers?: Record<string, unknown> }> };
  };
  expect(Object.keys(document.paths['/accounts/{accountId}/deposits']?.post?.responses ?? {})).toContain(
    '429',
  );
  expect(Object.keys(document.paths['/accounts/{accountId}']?.get?.responses ?? {})).toContain('429');
  expect(Object.keys(document.paths['/health']?.get?.responses ?? {})).not.toContain('429');
  expect(document.components.responses.RateLimited?.headers).toHaveProperty('Retry-After');
});
