// Answers carried no security headers, but for the console's own pages: the bank's UI could be framed
// (clickjacking) and any answer sniffed into another type. Now every answer, of every kind, has them.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BANK_UI_DIR } from './bankUi.js';
import { openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
let accountId: string;
let asset: string;
beforeAll(async () => {
  let index: string;
  try {
    index = await readFile(`${BANK_UI_DIR}index.html`, 'utf8');
  } catch {
    throw new Error(`the bank's web UI is not built in ${BANK_UI_DIR}: run \`npm run build:web\` first`);
  }
  asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
  bank = await serveBank();
  accountId = (await openAccount(bank.call, { customerId: 'alice' })).accountId;
});
afterAll(() => bank.close());

test('every kind of answer carries the security headers', async () => {
  const answers = {
    'an API answer': await bank.call('GET', `/accounts/${accountId}`),
    'a command answer': await bank.call('POST', `/accounts/${accountId}/deposits`, { json: { amount: '1' } }),
    'a 400 problem': await bank.call('POST', '/transfers', { json: { amount: 'x' } }),
    'a 401 problem': await bank.call('GET', `/accounts/${accountId}`, { as: null }),
    'a 404 problem': await bank.call('GET', '/no/such/route'),
    'a 415 problem': await bank.call('POST', '/accounts', {
      raw: 'x',
      headers: { 'content-type': 'text/csv' },
    }),
    'the health probe': await bank.call('GET', '/health'),
    metrics: await bank.call('GET', '/metrics'),
    'the OpenAPI document': await bank.call('GET', '/openapi.json'),
    'the UI page': await bank.call('GET', '/', { as: null }),
    'a UI asset': await bank.call('GET', asset, { as: null }),
    'the console page': await bank.call('GET', '/admin/', { as: null }),
    'the console API': await bank.call('GET', '/admin/api/session'),
  };
  expect(asset).not.toBe('');
  expect(answers['a UI asset'].status).toBe(200);
  for (const [what, answer] of Object.entries(answers)) {
    expect(answer.headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(answer.headers.get('content-security-policy'), what).toMatch(
      /(^|;\s*)frame-ancestors 'none'(;|$)/,
    );
    expect(answer.headers.get('x-frame-options'), what).toBe('DENY');
    expect(answer.headers.get('referrer-policy'), what).toBe('no-referrer');
  }
  // The UI page gets a policy its built page satisfies (its browser test fails on any violation).
  expect(answers['the UI page'].headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  expect(answers['the UI page'].headers.get('content-security-policy')).not.toMatch(
    /unsafe-inline|unsafe-eval/,
  );
});
