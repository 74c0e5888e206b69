// Hostile URLs and malformed requests at the whole bank (its routes, its web UI's files, the admin
// console's files and API): each is a 4xx problem+json, none is a 5xx, none logs an error, none stores
// anything. Runs on SQLite and, in the bank-on-postgres project, on PostgreSQL (which refuses NUL in text).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { capturedLog } from '@janus/test-support/capturedLog';
import { hostileRequests, unlikeProblem } from '@janus/test-support/hostileRequests';
import { rawGet, rawRequest } from '@janus/test-support/rawHttp';
import { KEYS, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

const log = capturedLog();
let bank: TestBank;
let head: bigint;
let accountId: string;
beforeAll(async () => {
  bank = await serveBank({}, { logger: log.logger });
  ({ accountId } = await openAccount(bank.call, { customerId: 'alice', initialDeposit: '10' }));
  head = await bank.bank.events.head();
  // The static files must be there, or half of this test would test nothing.
  for (const page of ['/', '/admin/']) {
    const answer = await bank.call('GET', page, { as: null });
    if (answer.status !== 200 || !answer.headers.get('content-type')?.startsWith('text/html')) {
      throw new Error(`${page} is not the built UI (${answer.status}): run \`npm run build:web\` first`);
    }
  }
});
afterAll(async () => {
  await bank.close();
});

const BANK_PATHS = [
  '/accounts/abc%ZZ',
  '/accounts/%00',
  '/accounts/%00/transactions',
  '/accounts/%ED%A0%80',
  '/accounts/%F0%9F%98%80',
  '/accounts/..%2f..%2fpackage.json',
  `/accounts/${'a'.repeat(200)}`,
  '/accounts/x/transactions?cursor=%00',
  '/accounts/x/transactions?limit=9223372036854775808',
  '/accounts/x/statements/%00',
  '/accounts/x/statements/9999-99',
  '/accounts/x?asOf=%00',
  '/accounts/x/statistics?from=%00',
  '/customers/%00/summary',
  '/customers/abc%ZZ/summary',
  '/fraud/alerts?accountId=%00',
  '/fraud/alerts?limit=99999999999999999999',
];

test.each(hostileRequests(BANK_PATHS, { queryPath: '/customers/alice/summary' }))(
  '$name: a 4xx problem+json',
  async ({ text }) => {
    const answer = await rawRequest(bank.bank.port, text(`Bearer ${KEYS.teller}`));
    expect(unlikeProblem(answer)).toBeUndefined();
  },
);

test("an existing stream's events from a version no stream reaches: a 400, not the store's error", async () => {
  const stream = `bank.account-${accountId}`;
  for (const from of ['2147483648', '9007199254740991']) {
    const path = `/admin/api/streams/${stream}?from=${from}`;
    const answer = await rawRequest(bank.bank.port, rawGet(path, { authorization: `Bearer ${KEYS.teller}` }));
    expect(unlikeProblem(answer), path).toBeUndefined();
  }
});

test('nothing was logged at error level, and nothing was stored', async () => {
  expect(log.errors()).toEqual([]);
  expect(await bank.bank.events.head()).toBe(head);
});
