// A JSON body with a key given twice said two things: `{"amount":"1","amount":"5000"}` deposited 5000.
// Now it is a 400 naming the key, and nothing is stored.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { after, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

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
  expect(await bank.bank.events.head()).toBe(head);
  await bank.close();
});

const post = (path: string, raw: string) =>
  bank.call('POST', path, { raw, headers: { 'content-type': 'application/json' } });

test('a deposit whose amount is given twice is a 400 naming it, and moves no money', async () => {
  const answer = await post(`/accounts/${accountId}/deposits`, '{"amount":"1","amount":"5000"}');
  expect(answer.status, answer.text).toBe(400);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({
    type: '/problems/validation-error',
    errors: [{ path: 'amount', message: expect.stringMatching(/twice/) as unknown }],
  });
  expect(answer.body.detail).toMatch(/'amount'/);
  const account = await bank.call('GET', `/accounts/${accountId}`, { headers: after(head) });
  expect(account.body.balance).toBe('100.00');
});

test.each([
  [
    'a transfer amount',
    '/transfers',
    (a: string, b: string) => `{"fromAccountId":"${a}","toAccountId":"${b}","amount":"1","amount":"99"}`,
    'amount',
  ],
  [
    'a transfer target',
    '/transfers',
    (a: string, b: string) =>
      `{"fromAccountId":"${a}","toAccountId":"elsewhere","toAccountId":"${b}","amount":"1"}`,
    'toAccountId',
  ],
  [
    'a withdrawal description, escaped',
    `/withdrawals`,
    () => '{"amount":"1","description":"a","descr\\u0069ption":"b"}',
    'description',
  ],
  [
    'a new account',
    '/accounts',
    () => '{"customerId":"alice","customerId":"bob","type":"checking"}',
    'customerId',
  ],
])('%s given twice is a 400 naming the key', async (_what, path, body, key) => {
  const url = path === '/withdrawals' ? `/accounts/${accountId}/withdrawals` : path;
  const answer = await post(url, body(accountId, other));
  expect(answer.status, answer.text).toBe(400);
  expect(answer.body).toMatchObject({ type: '/problems/validation-error', errors: [{ path: key }] });
});

test('a body nested deeper than 64 levels is a 400 before it is parsed, with or without a key', async () => {
  const deep = `{"amount":"1","description":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
  for (const headers of [{}, { 'idempotency-key': 'deeply-nested' }] as Record<string, string>[]) {
    const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, {
      raw: deep,
      headers: { 'content-type': 'application/json', ...headers },
    });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ path: '', message: expect.stringMatching(/deeper than 64 levels/) as unknown }],
    });
  }
});
