// The contract's role table, over HTTP: teller, auditor and customer:<id>.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  after,
  openAccount,
  serveBank,
  type Answer,
  type Caller,
  type TestBank,
} from '../testing/bankServer.js';

let bank: TestBank;
let alice: { checking: string; savings: string };
let bob: string;
const missing = '01a0a0a0-0000-7000-8000-000000000000';
const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  bank = await serveBank();
  alice = {
    checking: (await openAccount(bank.call, { customerId: 'alice', initialDeposit: '1000' })).accountId,
    savings: (await openAccount(bank.call, { customerId: 'alice', type: 'savings' })).accountId,
  };
  bob = (await openAccount(bank.call, { customerId: 'bob', initialDeposit: '1000' })).accountId;
  await caughtUp();
});
afterAll(() => bank.close());

const caughtUp = async () => after(await bank.bank.events.head());
const as = (who: Caller) => ({
  post: (path: string, json: unknown) => bank.call('POST', path, { as: who, json }),
  get: async (path: string) => bank.call('GET', path, { as: who, headers: await caughtUp() }),
});

const expectSlug = (answer: Answer, status: number, slug: string) => {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body.type).toBe(`/problems/${slug}`);
};

/** The problem without its correlation-specific parts, to compare two answers. */
const problemOf = (answer: Answer, id: string, stand: string) => ({
  status: answer.status,
  type: answer.body.type,
  title: answer.body.title,
  detail: String(answer.body.detail).replaceAll(id, stand),
  keys: Object.keys(answer.body).sort(),
});

/** Every query route, for an account (and its customer). */
const queries = (accountId: string, customerId: string) => [
  `/accounts/${accountId}`,
  `/accounts/${accountId}?asOf=${encodeURIComponent(new Date().toISOString())}`,
  `/accounts/${accountId}/transactions`,
  `/accounts/${accountId}/statistics`,
  `/accounts/${accountId}/statements/${month}`,
  `/customers/${customerId}/summary`,
];

describe('teller: every command and every query', () => {
  test('opens, deposits, withdraws, transfers and closes for anyone; reads everything', async () => {
    const teller = as('teller');
    const { accountId } = await openAccount(bank.call, { customerId: 'carol' });
    expect((await teller.post(`/accounts/${accountId}/deposits`, { amount: '1' })).status).toBe(201);
    expect((await teller.post(`/accounts/${accountId}/withdrawals`, { amount: '1' })).status).toBe(201);
    expect(
      (await teller.post('/transfers', { fromAccountId: bob, toAccountId: accountId, amount: '1' })).status,
    ).toBe(201);
    expect((await teller.post(`/accounts/${accountId}/withdrawals`, { amount: '1' })).status).toBe(201);
    expect((await teller.post(`/accounts/${accountId}/close`, {})).status).toBe(200);
    for (const path of [...queries(bob, 'bob'), '/fraud/alerts']) {
      expect((await teller.get(path)).status, path).toBe(200);
    }
  });
});

describe('auditor: every query, no command', () => {
  test('any command is a 403 forbidden, and writes nothing', async () => {
    const auditor = as('auditor');
    const head = await bank.bank.events.head();
    for (const [path, body] of [
      ['/accounts', { customerId: 'alice', type: 'checking' }],
      [`/accounts/${alice.checking}/deposits`, { amount: '1' }],
      [`/accounts/${alice.checking}/withdrawals`, { amount: '1' }],
      ['/transfers', { fromAccountId: alice.checking, toAccountId: bob, amount: '1' }],
      [`/accounts/${alice.savings}/close`, {}],
      [`/accounts/${missing}/deposits`, { amount: '1' }],
    ] as const) {
      expectSlug(await auditor.post(path, body), 403, 'forbidden');
    }
    expect(await bank.bank.events.head()).toBe(head);
  });

  test('reads every account, summary, statement and the fraud alerts', async () => {
    const auditor = as('auditor');
    for (const path of [...queries(alice.checking, 'alice'), ...queries(bob, 'bob'), '/fraud/alerts']) {
      expect((await auditor.get(path)).status, path).toBe(200);
    }
  });
});

describe('customer:<id>', () => {
  test('opens accounts for itself only: for another customer, 403', async () => {
    const mine = await as('alice').post('/accounts', {
      customerId: 'alice',
      type: 'savings',
      initialDeposit: '5',
    });
    expect(mine.status).toBe(201);
    expectSlug(
      await as('alice').post('/accounts', { customerId: 'bob', type: 'checking' }),
      403,
      'forbidden',
    );
  });

  test('deposits to and withdraws from its own accounts; another customer’s account is a 404 as if absent', async () => {
    const customer = as('alice');
    expect((await customer.post(`/accounts/${alice.checking}/deposits`, { amount: '10' })).status).toBe(201);
    expect((await customer.post(`/accounts/${alice.checking}/withdrawals`, { amount: '10' })).status).toBe(
      201,
    );
    const head = await bank.bank.events.head();
    for (const kind of ['deposits', 'withdrawals']) {
      const theirs = await customer.post(`/accounts/${bob}/${kind}`, { amount: '1' });
      const absent = await customer.post(`/accounts/${missing}/${kind}`, { amount: '1' });
      expectSlug(theirs, 404, 'not-found');
      expect(problemOf(theirs, bob, 'ID')).toEqual(problemOf(absent, missing, 'ID'));
      // ...and exactly what a teller gets for an account that does not exist
      const tellerAbsent = await as('teller').post(`/accounts/${missing}/${kind}`, { amount: '1' });
      expect(problemOf(theirs, bob, 'ID')).toEqual(problemOf(tellerAbsent, missing, 'ID'));
    }
    expect(await bank.bank.events.head()).toBe(head);
  });

  test('transfers from its own accounts to any account; from another’s account, 404', async () => {
    const customer = as('alice');
    const toBob = await customer.post('/transfers', {
      fromAccountId: alice.checking,
      toAccountId: bob,
      amount: '1',
    });
    expect(toBob.status).toBe(201);
    const toOwn = await customer.post('/transfers', {
      fromAccountId: alice.checking,
      toAccountId: alice.savings,
      amount: '1',
    });
    expect(toOwn.status).toBe(201);
    const fromBob = await customer.post('/transfers', {
      fromAccountId: bob,
      toAccountId: alice.checking,
      amount: '1',
    });
    const fromNowhere = await customer.post('/transfers', {
      fromAccountId: missing,
      toAccountId: alice.checking,
      amount: '1',
    });
    expectSlug(fromBob, 404, 'not-found');
    expect(problemOf(fromBob, bob, 'ID')).toEqual(problemOf(fromNowhere, missing, 'ID'));
  });

  test('may not close an account, even its own: 403', async () => {
    expectSlug(await as('alice').post(`/accounts/${alice.savings}/close`, {}), 403, 'forbidden');
  });

  test('reads its own accounts, history, statistics, statements and summary', async () => {
    const customer = as('alice');
    for (const path of queries(alice.checking, 'alice')) {
      expect((await customer.get(path)).status, path).toBe(200);
    }
    const summary = await customer.get('/customers/alice/summary');
    expect((summary.body.accounts as unknown[]).length).toBeGreaterThanOrEqual(2);
  });

  test('another customer’s account or summary is a 404, word for word as if it did not exist', async () => {
    const customer = as('alice');
    const theirs = queries(bob, 'bob');
    const absent = queries(missing, 'nobody');
    for (const [i, path] of theirs.entries()) {
      const answer = await customer.get(path);
      expectSlug(answer, 404, 'not-found');
      const isSummary = path.startsWith('/customers/');
      const control = await as('teller').get(absent[i]!);
      expect(problemOf(answer, isSummary ? 'bob' : bob, 'ID'), path).toEqual(
        problemOf(control, isSummary ? 'nobody' : missing, 'ID'),
      );
    }
  });

  test('/fraud/alerts is a 403', async () => {
    expectSlug(await as('alice').get('/fraud/alerts'), 403, 'forbidden');
    expectSlug(await as('alice').get(`/fraud/alerts?accountId=${alice.checking}`), 403, 'forbidden');
  });
});
