// Hostile and sloppy input: each is a 4xx problem, and none of it stores anything.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAccount, serveBank, type Answer, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
let accountId: string;
let other: string;
let head: bigint;

beforeAll(async () => {
  bank = await serveBank();
  accountId = (await openAccount(bank.call, { customerId: 'alice', initialDeposit: '100' })).accountId;
  other = (await openAccount(bank.call, { customerId: 'alice' })).accountId;
  head = await bank.bank.events.head();
});
afterAll(async () => {
  // Nothing any test of this file sent was stored.
  expect(await bank.bank.events.head()).toBe(head);
  await bank.close();
});

const expect4xx = (answer: Answer, status: number, slug: string) => {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body.type).toBe(`/problems/${slug}`);
  expect(answer.text).not.toMatch(/stack|SQLITE|at .*\.ts:/i);
};

describe('amounts', () => {
  const bad: [string, unknown][] = [
    ['a JSON number', 100],
    ['a JSON number with a fraction', 10.5],
    ['negative', '-5'],
    ['negative zero', '-0'],
    ['zero', '0'],
    ['zero with decimals', '0.00'],
    ['three fraction digits', '10.123'],
    ['exponent notation', '1e3'],
    ['above 1,000,000,000.00', '1000000000.01'],
    ['far above', '99999999999999999999999999'],
    ['empty', ''],
    ['spaces', ' 10'],
    ['a plus sign', '+10'],
    ['leading zeros', '010'],
    ['a comma', '10,50'],
    ['a trailing dot', '10.'],
    ['words', 'ten'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['hexadecimal', '0x10'],
    ['null', null],
    ['a boolean', true],
    ['an object', { value: '10' }],
    ['an array', ['10']],
  ];
  test.each(bad)('%s is a 400 on deposits, withdrawals and transfers', async (_what, amount) => {
    for (const [path, body] of [
      [`/accounts/${accountId}/deposits`, { amount }],
      [`/accounts/${accountId}/withdrawals`, { amount }],
      ['/transfers', { fromAccountId: accountId, toAccountId: other, amount }],
    ] as const) {
      const answer = await bank.call('POST', path, { json: body });
      expect4xx(answer, 400, 'validation-error');
      expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'amount' })]);
    }
  });

  test('a missing amount; a bad initial deposit', async () => {
    const missing = await bank.call('POST', `/accounts/${accountId}/deposits`, { json: {} });
    expect4xx(missing, 400, 'validation-error');
    expect(missing.body.errors).toEqual([{ path: 'amount', message: 'is required' }]);
    for (const initialDeposit of ['-1', '1.001', 5, '1e2']) {
      expect4xx(
        await bank.call('POST', '/accounts', {
          json: { customerId: 'alice', type: 'checking', initialDeposit },
        }),
        400,
        'validation-error',
      );
    }
  });

  test('exactly 1,000,000,000.00 is accepted as an amount (and then refused by the domain, not the parser)', async () => {
    const answer = await bank.call('POST', `/accounts/${accountId}/withdrawals`, {
      json: { amount: '1000000000.00' },
    });
    expect4xx(answer, 422, 'fraud-suspected'); // records an alert: the one write this file expects
    head = await bank.bank.events.head();
  });
});

describe('bodies', () => {
  test('malformed JSON, an empty JSON body, a JSON array or string: 400', async () => {
    for (const raw of ['{"amount": "10"', '{amount: "10"}', "{'amount':'10'}", '', '[]', '"10"', 'null']) {
      const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect4xx(answer, 400, 'validation-error');
    }
  });

  test('unknown fields are refused, not ignored', async () => {
    for (const [path, body] of [
      [`/accounts/${accountId}/deposits`, { amount: '1', currency: 'EUR' }],
      ['/accounts', { customerId: 'alice', type: 'checking', balance: '1000000' }],
      ['/transfers', { fromAccountId: accountId, toAccountId: other, amount: '1', fee: '0' }],
      [`/accounts/${other}/close`, { force: true }],
    ] as const) {
      const answer = await bank.call('POST', path, { json: body });
      expect4xx(answer, 400, 'validation-error');
    }
    const unknown = await bank.call('POST', `/accounts/${accountId}/deposits`, {
      json: { amount: '1', currency: 'EUR' },
    });
    expect(unknown.body.errors).toEqual([{ path: 'currency', message: 'unknown field' }]);
    const proto = await bank.call('POST', `/accounts/${accountId}/deposits`, {
      raw: '{"amount":"1","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBeGreaterThanOrEqual(400);
    expect(proto.status).toBeLessThan(500);
  });

  test('a body over 64 KiB is a 413', async () => {
    const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, {
      json: { amount: '1', description: 'x'.repeat(70 * 1024) },
    });
    expect4xx(answer, 413, 'payload-too-large');
  });

  test('a command without Content-Type: application/json is a 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, {
        raw: '{"amount":"1"}',
        headers: { 'content-type': contentType },
      });
      expect4xx(answer, 415, 'unsupported-media-type');
    }
  });

  test('other fields: type, currency, customerId, description', async () => {
    for (const body of [
      { customerId: 'alice', type: 'gold' },
      { customerId: 'alice', type: 'checking', currency: 'usd' },
      { customerId: 'alice', type: 'checking', currency: 'US' },
      { customerId: '', type: 'checking' },
      { customerId: 'a'.repeat(65), type: 'checking' },
      { customerId: 'alice smith', type: 'checking' },
      { customerId: 42, type: 'checking' },
      { type: 'checking' },
    ]) {
      expect4xx(await bank.call('POST', '/accounts', { json: body }), 400, 'validation-error');
    }
    for (const description of ['d'.repeat(141), 'line one\nline two', 'nul\u0000', 7]) {
      expect4xx(
        await bank.call('POST', `/accounts/${accountId}/deposits`, { json: { amount: '1', description } }),
        400,
        'validation-error',
      );
    }
  });
});

describe('injection strings and odd ids', () => {
  const hostile = [
    "' OR '1'='1",
    "x'; DROP TABLE events; --",
    '1 OR 1=1',
    '"; db.dropDatabase(); "',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '${jndi:ldap://x/a}',
    'nul\u0000byte',
    '%00',
    'é',
    'a'.repeat(65),
  ];

  test.each(hostile)('%j as an account id in a path or a body is a 4xx', async (id) => {
    const path = encodeURIComponent(id);
    for (const [method, url, body] of [
      ['POST', `/accounts/${path}/deposits`, { amount: '1' }],
      ['POST', `/accounts/${path}/withdrawals`, { amount: '1' }],
      ['POST', `/accounts/${path}/close`, {}],
      ['POST', '/transfers', { fromAccountId: id, toAccountId: other, amount: '1' }],
      ['POST', '/transfers', { fromAccountId: accountId, toAccountId: id, amount: '1' }],
      ['GET', `/accounts/${path}`, undefined],
      ['GET', `/accounts/${path}/transactions`, undefined],
      ['GET', `/accounts/${path}/statistics`, undefined],
      ['GET', `/accounts/${path}/statements/2026-01`, undefined],
      ['GET', `/fraud/alerts?accountId=${path}`, undefined],
      ['GET', `/customers/${path}/summary`, undefined],
    ] as const) {
      const answer = await bank.call(method, url, body === undefined ? {} : { json: body });
      expect(answer.status, `${method} ${url}: ${answer.text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${url}: ${answer.text}`).toBeLessThan(500);
    }
  });

  test.each(hostile)('%j as a customer id opens nothing', async (customerId) => {
    expect4xx(
      await bank.call('POST', '/accounts', { json: { customerId, type: 'checking' } }),
      400,
      'validation-error',
    );
  });

  test('a cursor, a limit or a date that is not one', async () => {
    for (const query of [
      "cursor=' OR 1=1 --",
      'cursor=djE6MA',
      'cursor=' + 'A'.repeat(300),
      'limit=1;DROP',
      'limit=1&limit=2',
    ]) {
      expect4xx(
        await bank.call('GET', `/accounts/${accountId}/transactions?${query}`),
        400,
        'validation-error',
      );
    }
    expect4xx(await bank.call('GET', `/accounts/${accountId}?asOf=' OR 1=1`), 400, 'validation-error');
    expect4xx(
      await bank.call('GET', `/accounts/${accountId}`, { headers: { 'x-min-position': '1; DROP TABLE x' } }),
      400,
      'validation-error',
    );
  });
});
