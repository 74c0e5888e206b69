// Descriptions that do not show what they say were stored and shown as sent: a lone surrogate (half of
// a UTF-16 pair, which no UTF-8 text can hold) or a bidirectional control that reorders what a statement
// shows (U+202E turns "Rent 0001" around). Now each is a 400 naming the field, and nothing is stored.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
let accountId: string;
let other: string;

beforeAll(async () => {
  bank = await serveBank();
  accountId = (await openAccount(bank.call, { customerId: 'alice', initialDeposit: '100' })).accountId;
  other = (await openAccount(bank.call, { customerId: 'alice' })).accountId;
});
afterAll(() => bank.close());

const UNSAFE: [string, string][] = [
  ['a lone high surrogate', 'pay \ud800 back'],
  ['a lone low surrogate', '\udc00'],
  ['a surrogate pair backwards', '\ude00\ud83d'],
  ['U+202A left-to-right embedding', 'a\u202ab'],
  ['U+202E right-to-left override', 'Rent \u202e1000'],
  ['U+2066 left-to-right isolate', '\u2066x'],
  ['U+2069 pop directional isolate', 'x\u2069'],
];

test.each(UNSAFE)(
  'a description with %s is a 400 naming it, on every command',
  async (_what, description) => {
    const head = await bank.bank.events.head();
    for (const [path, body] of [
      [`/accounts/${accountId}/deposits`, { amount: '1', description }],
      [`/accounts/${accountId}/withdrawals`, { amount: '1', description }],
      ['/transfers', { fromAccountId: accountId, toAccountId: other, amount: '1', description }],
    ] as const) {
      const answer = await bank.call('POST', path, { json: body });
      expect(answer.status, `${path}: ${answer.text}`).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        type: '/problems/validation-error',
        errors: [{ path: 'description' }],
      });
    }
    expect(await bank.bank.events.head()).toBe(head);
  },
);

test('emoji (surrogate pairs) and right-to-left scripts are text like any other', async () => {
  for (const description of ['coffee \ud83d\ude00', 'שכר דירה', 'إيجار', 'a\u200db']) {
    const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, {
      json: { amount: '1', description },
    });
    expect(answer.status, answer.text).toBe(201);
  }
});
