// Every route of the contract, its answers and its documented errors, against a real server.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FraudAlert } from '../fraud/fraudAlerts.js';
import type { TransactionPage } from '../history/listTransactions.js';
import type { TransactionItem } from '../history/transactionHistory.js';
import type { AccountStatistics } from '../statistics/accountStatistics.js';
import type { StatementView } from '../statements/monthlyStatement.js';
import {
  after,
  badMoney,
  openAccount,
  serveBank,
  type Answer,
  type TestBank,
} from '../testing/bankServer.js';

let bank: TestBank;
beforeAll(async () => {
  bank = await serveBank();
});
afterAll(() => bank.close());

const call: TestBank['call'] = (...args) => bank.call(...args);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts a problem answer: status, content type, slug; answers the problem. */
function expectProblem(answer: Answer, status: number, slug: string): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: `/problems/${slug}`, status });
  expect(typeof answer.body.title).toBe('string');
  expect(typeof answer.body.detail).toBe('string');
  return answer.body;
}

const deposit = (accountId: string, amount: string) =>
  call('POST', `/accounts/${accountId}/deposits`, { json: { amount } });
const withdraw = (accountId: string, amount: string) =>
  call('POST', `/accounts/${accountId}/withdrawals`, { json: { amount } });
const transfer = (fromAccountId: string, toAccountId: string, amount: string) =>
  call('POST', '/transfers', { json: { fromAccountId, toAccountId, amount } });

const missing = '01a0a0a0-0000-7000-8000-000000000000';

describe('POST /accounts', () => {
  test('201 with the new id, its position and Location; currency USD and a zero deposit by default', async () => {
    const answer = await call('POST', '/accounts', { json: { customerId: 'carol', type: 'savings' } });
    expect(answer.status).toBe(201);
    const { accountId, position } = answer.body as { accountId: string; position: number };
    expect(accountId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(answer.headers.get('location')).toBe(`/accounts/${accountId}`);
    const view = await call('GET', `/accounts/${accountId}`, { headers: after(position) });
    expect(view.body).toMatchObject({
      customerId: 'carol',
      type: 'savings',
      currency: 'USD',
      balance: '0.00',
    });
    const history = await call('GET', `/accounts/${accountId}/transactions`, { headers: after(position) });
    expect(history.body).toEqual({ items: [], nextCursor: null });
  });

  test('a chosen currency is kept; amounts like "10", "10.5" and "10.50" are accepted', async () => {
    const { accountId, position } = await openAccount(call, {
      customerId: 'carol',
      initialDeposit: '10.5',
      currency: 'EUR',
    });
    const view = await call('GET', `/accounts/${accountId}`, { headers: after(position) });
    expect(view.body).toMatchObject({ currency: 'EUR', balance: '10.50' });
    expect((await deposit(accountId, '10')).status).toBe(201);
    expect((await deposit(accountId, '10.50')).status).toBe(201);
  });
});

describe('deposits and withdrawals', () => {
  test('201 { transactionId, position }; the items carry the ids and the running balance', async () => {
    const { accountId } = await openAccount(call, { customerId: 'dave', initialDeposit: '100' });
    const put = await deposit(accountId, '25.25');
    expect(put.status).toBe(201);
    expect(Object.keys(put.body).sort()).toEqual(['position', 'transactionId']);
    const take = await call('POST', `/accounts/${accountId}/withdrawals`, {
      json: { amount: '5', description: 'cash, at the counter' },
    });
    expect(take.status).toBe(201);
    const page = (
      await call('GET', `/accounts/${accountId}/transactions`, {
        headers: after(take.body.position as number),
      })
    ).body as unknown as TransactionPage;
    expect(page.items).toEqual([
      expect.objectContaining({
        transactionId: take.body.transactionId,
        kind: 'withdrawal',
        amount: '-5.00',
        balanceAfter: '120.25',
        description: 'cash, at the counter',
      }),
      expect.objectContaining({
        transactionId: put.body.transactionId,
        kind: 'deposit',
        amount: '25.25',
        balanceAfter: '125.25',
        description: 'Deposit',
      }),
      expect.objectContaining({ kind: 'opening_deposit', amount: '100.00', balanceAfter: '100.00' }),
    ]);
  });

  test('404 on an account that does not exist', async () => {
    expectProblem(await deposit(missing, '1'), 404, 'not-found');
    expectProblem(await withdraw(missing, '1'), 404, 'not-found');
  });

  test('422 insufficient-funds; nothing moves', async () => {
    const { accountId } = await openAccount(call, { customerId: 'dave', initialDeposit: '10' });
    expectProblem(await withdraw(accountId, '10.01'), 422, 'insufficient-funds');
    const view = await call('GET', `/accounts/${accountId}`, {
      headers: after(await bank.bank.events.head()),
    });
    expect(view.body.balance).toBe('10.00');
  });
});

describe('fraud detection: 422 fraud-suspected with the rule; every refusal is an alert', () => {
  test('large-amount, velocity and daily-limit, in order, and GET /fraud/alerts newest first', async () => {
    const rich = (await openAccount(call, { customerId: 'erin', initialDeposit: '100000' })).accountId;
    const large = expectProblem(await withdraw(rich, '10000.01'), 422, 'fraud-suspected');
    expect(large.rule).toBe('large-amount');
    expect((await withdraw(rich, '10000')).status).toBe(201); // exactly the limit passes
    const daily = expectProblem(await withdraw(rich, '10000.01'), 422, 'fraud-suspected');
    expect(daily.rule).toBe('large-amount'); // large-amount is checked before daily-limit
    expect((await withdraw(rich, '9000')).status).toBe(201);
    const overDay = expectProblem(await withdraw(rich, '1000.01'), 422, 'fraud-suspected');
    expect(overDay.rule).toBe('daily-limit');

    const busy = (await openAccount(call, { customerId: 'erin', initialDeposit: '1000' })).accountId;
    const other = (await openAccount(call, { customerId: 'erin' })).accountId;
    for (let i = 0; i < 4; i += 1) expect((await withdraw(busy, '1')).status).toBe(201);
    expect((await transfer(busy, other, '1')).status).toBe(201); // outgoing transfers count too
    const velocity = expectProblem(await transfer(busy, other, '1'), 422, 'fraud-suspected');
    expect(velocity.rule).toBe('velocity');
    expect((await deposit(busy, '1')).status).toBe(201); // deposits are never refused

    const position = await bank.bank.events.head();
    const alerts = await call('GET', `/fraud/alerts?accountId=${rich}`, { headers: after(position) });
    expect(alerts.status).toBe(200);
    const items = (alerts.body as unknown as { items: FraudAlert[] }).items;
    expect(items.map((a) => [a.rule, a.operation, a.amount])).toEqual([
      ['daily-limit', 'withdrawal', '1000.01'],
      ['large-amount', 'withdrawal', '10000.01'],
      ['large-amount', 'withdrawal', '10000.01'],
    ]);
    expect(Object.keys(items[0]!).sort()).toEqual(
      ['accountId', 'alertId', 'amount', 'attemptedAt', 'operation', 'rule'].sort(),
    );
    const all = await call('GET', '/fraud/alerts?limit=1', { headers: after(position) });
    expect((all.body as unknown as { items: FraudAlert[] }).items).toEqual([
      expect.objectContaining({
        accountId: busy,
        rule: 'velocity',
        operation: 'transfer_out',
        amount: '1.00',
      }),
    ]);
    expect((await call('GET', `/fraud/alerts?accountId=${missing}`)).body).toEqual({ items: [] });
    const view = await call('GET', `/accounts/${rich}`, { headers: after(position) });
    expect(view.body.balance).toBe('81000.00'); // refusals moved no money
  });
});

describe('POST /transfers', () => {
  test('201 { transferId, position }; both legs recorded', async () => {
    const from = (await openAccount(call, { customerId: 'frank', initialDeposit: '50' })).accountId;
    const to = (await openAccount(call, { customerId: 'grace' })).accountId;
    const answer = await transfer(from, to, '20');
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(['position', 'transferId']);
    const headers = after(answer.body.position as number);
    const incoming = (await call('GET', `/accounts/${to}/transactions`, { headers }))
      .body as unknown as TransactionPage;
    expect(incoming.items).toEqual([
      expect.objectContaining({
        kind: 'transfer_in',
        amount: '20.00',
        transferId: answer.body.transferId,
        counterpartyAccountId: from,
        description: `Transfer from ${from}`,
      }),
    ]);
  });

  test('400 when both ids are equal', async () => {
    const { accountId } = await openAccount(call, { customerId: 'frank', initialDeposit: '50' });
    const problem = expectProblem(await transfer(accountId, accountId, '1'), 400, 'validation-error');
    expect(problem.errors).toEqual([{ path: 'toAccountId', message: 'must differ from fromAccountId' }]);
  });

  test('404 for an unknown account on either side, 422 currency-mismatch, insufficient-funds, account-closed', async () => {
    const usd = (await openAccount(call, { customerId: 'frank', initialDeposit: '50' })).accountId;
    const eur = (await openAccount(call, { customerId: 'frank', currency: 'EUR' })).accountId;
    const closed = (await openAccount(call, { customerId: 'frank' })).accountId;
    expect((await call('POST', `/accounts/${closed}/close`, { json: {} })).status).toBe(200);
    expectProblem(await transfer(usd, missing, '1'), 404, 'not-found');
    expectProblem(await transfer(missing, usd, '1'), 404, 'not-found');
    expectProblem(await transfer(usd, eur, '1'), 422, 'currency-mismatch');
    expectProblem(await transfer(usd, closed, '1'), 422, 'account-closed');
    expectProblem(await transfer(closed, usd, '1'), 422, 'account-closed');
    const poor = (await openAccount(call, { customerId: 'frank', initialDeposit: '5' })).accountId;
    expectProblem(await transfer(poor, usd, '5.01'), 422, 'insufficient-funds');
    const refused = expectProblem(await transfer(usd, poor, '10000.01'), 422, 'fraud-suspected');
    expect(refused.rule).toBe('large-amount');
  });
});

describe('POST /accounts/{id}/close', () => {
  test('200 { position }; then account-closed for everything; balance-not-zero first', async () => {
    const { accountId } = await openAccount(call, { customerId: 'heidi', initialDeposit: '1' });
    expectProblem(await call('POST', `/accounts/${accountId}/close`, { json: {} }), 422, 'balance-not-zero');
    expect((await withdraw(accountId, '1')).status).toBe(201);
    const closed = await call('POST', `/accounts/${accountId}/close`, { json: {} });
    expect(closed.status).toBe(200);
    expect(Object.keys(closed.body)).toEqual(['position']);
    expectProblem(await call('POST', `/accounts/${accountId}/close`, { json: {} }), 422, 'account-closed');
    expectProblem(await deposit(accountId, '1'), 422, 'account-closed');
    expectProblem(await withdraw(accountId, '1'), 422, 'account-closed');
    expectProblem(await call('POST', `/accounts/${missing}/close`, { json: {} }), 404, 'not-found');
    const view = await call('GET', `/accounts/${accountId}`, {
      headers: after(closed.body.position as number),
    });
    expect(view.body).toMatchObject({ status: 'closed', balance: '0.00' });
  });
});

describe('GET /accounts/{id}', () => {
  test('the account now, and ?asOf= as it stood at an instant (404 before it existed)', async () => {
    const before = new Date().toISOString();
    await sleep(5);
    const { accountId } = await openAccount(call, { customerId: 'ivan', initialDeposit: '100' });
    await sleep(5);
    const between = new Date().toISOString();
    await sleep(5);
    const put = await deposit(accountId, '50');
    const now = await call('GET', `/accounts/${accountId}`, { headers: after(put.body.position as number) });
    expect(now.status).toBe(200);
    expect(Object.keys(now.body).sort()).toEqual(
      ['accountId', 'balance', 'currency', 'customerId', 'openedAt', 'status', 'type'].sort(),
    );
    expect(now.body.balance).toBe('150.00');
    const then = await call('GET', `/accounts/${accountId}?asOf=${encodeURIComponent(between)}`);
    expect(then.body).toEqual({ ...now.body, balance: '100.00' });
    const withOffset = between.replace('Z', '+00:00');
    expect(
      (await call('GET', `/accounts/${accountId}?asOf=${encodeURIComponent(withOffset)}`)).body.balance,
    ).toBe('100.00');
    expectProblem(await call('GET', `/accounts/${accountId}?asOf=${before}`), 404, 'not-found');
    expectProblem(await call('GET', `/accounts/${accountId}?asOf=yesterday`), 400, 'validation-error');
    expectProblem(await call('GET', `/accounts/${missing}`), 404, 'not-found');
  });
});

describe('GET /accounts/{id}/transactions', () => {
  test('newest first, a page at a time with limit and cursor', async () => {
    const { accountId } = await openAccount(call, { customerId: 'judy', initialDeposit: '1' });
    for (const amount of ['2', '3', '4', '5']) expect((await deposit(accountId, amount)).status).toBe(201);
    const headers = after(await bank.bank.events.head());
    const first = await call('GET', `/accounts/${accountId}/transactions?limit=2`, { headers });
    const page1 = first.body as unknown as TransactionPage;
    expect(page1.items.map((i) => i.amount)).toEqual(['5.00', '4.00']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await call(
      'GET',
      `/accounts/${accountId}/transactions?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}`,
    );
    const page2 = second.body as unknown as TransactionPage;
    expect(page2.items.map((i) => i.amount)).toEqual(['3.00', '2.00']);
    const third = await call(
      'GET',
      `/accounts/${accountId}/transactions?limit=2&cursor=${encodeURIComponent(page2.nextCursor!)}`,
    );
    expect(third.body).toEqual({
      items: [expect.objectContaining({ kind: 'opening_deposit' })],
      nextCursor: null,
    });
    const all = (await call('GET', `/accounts/${accountId}/transactions`)).body as unknown as TransactionPage;
    expect(all.items).toHaveLength(5);
    expect(all.items.map((i) => i.balanceAfter)).toEqual(['15.00', '10.00', '6.00', '3.00', '1.00']);

    for (const limit of ['0', '501', '-1', '1.5', 'ten', '5e1', '']) {
      expectProblem(
        await call('GET', `/accounts/${accountId}/transactions?limit=${limit}`),
        400,
        'validation-error',
      );
    }
    expectProblem(
      await call('GET', `/accounts/${accountId}/transactions?cursor=bogus`),
      400,
      'validation-error',
    );
    expectProblem(await call('GET', `/accounts/${accountId}/transactions?page=2`), 400, 'validation-error');
    expectProblem(await call('GET', `/accounts/${missing}/transactions`), 404, 'not-found');
  });
});

describe('GET /customers/{id}/summary', () => {
  test('accounts and totals by currency; 404 for a customer without accounts', async () => {
    await openAccount(call, { customerId: 'ken', initialDeposit: '1.10' });
    await openAccount(call, { customerId: 'ken', initialDeposit: '2.20', type: 'savings' });
    const eur = await openAccount(call, { customerId: 'ken', initialDeposit: '3', currency: 'EUR' });
    const summary = await call('GET', '/customers/ken/summary', { headers: after(eur.position) });
    expect(summary.status).toBe(200);
    expect(summary.body.totals).toEqual({ EUR: '3.00', USD: '3.30' });
    expect(summary.body.accounts).toHaveLength(3);
    expectProblem(await call('GET', '/customers/nobody/summary'), 404, 'not-found');
  });
});

describe('GET /accounts/{id}/statistics', () => {
  test('over all time, and over [from, to)', async () => {
    const { accountId } = await openAccount(call, { customerId: 'leo', initialDeposit: '100' });
    const other = (await openAccount(call, { customerId: 'leo' })).accountId;
    await deposit(accountId, '40');
    await sleep(5);
    const middle = new Date().toISOString();
    await sleep(5);
    await withdraw(accountId, '30');
    const last = await transfer(accountId, other, '10.50');
    const headers = after(last.body.position as number);
    const all = await call('GET', `/accounts/${accountId}/statistics`, { headers });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      accountId,
      from: null,
      to: null,
      deposits: { count: 1, total: '40.00' },
      withdrawals: { count: 1, total: '30.00' },
      transfersIn: { count: 0, total: '0.00' },
      transfersOut: { count: 1, total: '10.50' },
      netFlow: '-0.50',
      minBalance: '99.50',
      maxBalance: '140.00',
      largestTransaction: expect.objectContaining({ kind: 'opening_deposit', amount: '100.00' }) as unknown,
    } satisfies Record<keyof AccountStatistics, unknown>);
    const later = await call('GET', `/accounts/${accountId}/statistics?from=${middle}`, { headers });
    expect(later.body).toMatchObject({
      from: middle,
      to: null,
      deposits: { count: 0, total: '0.00' },
      netFlow: '-40.50',
      minBalance: '99.50',
      maxBalance: '110.00',
    });
    const earlier = await call('GET', `/accounts/${accountId}/statistics?to=${middle}`, { headers });
    expect(earlier.body).toMatchObject({ deposits: { count: 1, total: '40.00' }, netFlow: '40.00' });
    const empty = await call('GET', `/accounts/${accountId}/statistics?from=${middle}&to=${middle}`);
    expect(empty.body).toMatchObject({ minBalance: null, maxBalance: null, largestTransaction: null });
    expectProblem(
      await call('GET', `/accounts/${accountId}/statistics?from=${middle}&to=2000-01-01T00:00:00Z`),
      400,
      'validation-error',
    );
    expectProblem(
      await call('GET', `/accounts/${accountId}/statistics?from=tuesday`),
      400,
      'validation-error',
    );
    expectProblem(await call('GET', `/accounts/${missing}/statistics`), 404, 'not-found');
  });
});

describe('GET /accounts/{id}/statements/{YYYY-MM}', () => {
  const thisMonth = new Date().toISOString().slice(0, 7);

  test('JSON by default (and by Accept), CSV and PDF by Accept', async () => {
    const { accountId } = await openAccount(call, { customerId: 'mia', initialDeposit: '100' });
    await deposit(accountId, '1.5');
    const last = await call('POST', `/accounts/${accountId}/withdrawals`, {
      json: { amount: '20', description: 'rent, "November"' },
    });
    const headers = after(last.body.position as number);
    const json = await call('GET', `/accounts/${accountId}/statements/${thisMonth}`, { headers });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({
      accountId,
      customerId: 'mia',
      month: thisMonth,
      currency: 'USD',
      openingBalance: '0.00',
      closingBalance: '81.50',
      totalIn: '101.50',
      totalOut: '20.00',
    } satisfies Partial<StatementView>);
    expect((json.body.transactions as TransactionItem[]).map((t) => t.kind)).toEqual([
      'opening_deposit',
      'deposit',
      'withdrawal',
    ]);
    const explicit = await call('GET', `/accounts/${accountId}/statements/${thisMonth}`, {
      headers: { ...headers, accept: 'application/json' },
    });
    expect(explicit.body).toEqual(json.body);

    const csv = await call('GET', `/accounts/${accountId}/statements/${thisMonth}`, {
      headers: { ...headers, accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="statement-${accountId}-${thisMonth}.csv"`,
    );
    const lines = csv.text.trimEnd().split('\n');
    expect(lines[0]).toBe('occurredAt,kind,description,amount,balanceAfter,transactionId');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain(',withdrawal,"rent, ""November""",-20.00,81.50,');

    const pdf = await call('GET', `/accounts/${accountId}/statements/${thisMonth}`, {
      headers: { ...headers, accept: 'application/pdf' },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode(pdf.bytes.slice(0, 5))).toBe('%PDF-');
    expect(pdf.bytes.length).toBeGreaterThan(1000);

    expectProblem(
      await call('GET', `/accounts/${accountId}/statements/${thisMonth}`, {
        headers: { accept: 'image/png' },
      }),
      406,
      'not-acceptable',
    );
  });

  test('a month before the account opened; 422 month-not-started; 400 for a malformed month; 404', async () => {
    const { accountId, position } = await openAccount(call, { customerId: 'mia', initialDeposit: '5' });
    const past = await call('GET', `/accounts/${accountId}/statements/2000-01`, { headers: after(position) });
    expect(past.body).toMatchObject({ openingBalance: '0.00', closingBalance: '0.00', transactions: [] });
    const nextYear = `${new Date().getUTCFullYear() + 1}-01`;
    expectProblem(
      await call('GET', `/accounts/${accountId}/statements/${nextYear}`),
      422,
      'month-not-started',
    );
    for (const month of ['2026-13', '2026-1', '26-11', '2026-11-01', 'latest', '0000-01']) {
      expectProblem(await call('GET', `/accounts/${accountId}/statements/${month}`), 400, 'validation-error');
    }
    expectProblem(await call('GET', `/accounts/${missing}/statements/${thisMonth}`), 404, 'not-found');
  });
});

describe('read your writes', () => {
  test('every query answers X-Position; X-Min-Position beyond the log is a 503 consistency-timeout', async () => {
    const { accountId, position } = await openAccount(call, { customerId: 'nina' });
    const answer = await call('GET', `/accounts/${accountId}`, { headers: after(position) });
    expect(Number(answer.headers.get('x-position'))).toBeGreaterThanOrEqual(position);
    const notFound = await call('GET', `/accounts/${missing}`);
    expect(notFound.headers.get('x-position')).toMatch(/^[0-9]+$/);
    const timeout = await call('GET', `/accounts/${accountId}`, {
      headers: { 'x-min-position': String(position + 1_000_000), 'x-max-wait-ms': '50' },
    });
    expectProblem(timeout, 503, 'consistency-timeout');
    expect(timeout.headers.get('retry-after')).toBe('1');
    expectProblem(
      await call('GET', `/accounts/${accountId}`, {
        headers: { 'x-min-position': '1', 'x-max-wait-ms': '30001' },
      }),
      400,
      'validation-error',
    );
  });
});

describe('authentication, media types, unknown routes', () => {
  test('401 without a key or with an unknown one; 415 for a command that is not JSON; 404 off the map', async () => {
    const none = await call('GET', `/accounts/${missing}`, { as: null });
    expectProblem(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const unknown = await call('POST', '/accounts', {
      as: { key: 'nope' },
      json: { customerId: 'x', type: 'checking' },
    });
    expectProblem(unknown, 401, 'unauthorized');
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(
      await call('POST', '/accounts', {
        raw: '{"customerId":"x","type":"checking"}',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported-media-type',
    );
    expectProblem(
      await call('POST', `/accounts/${missing}/close`, { raw: '' }),
      415,
      'unsupported-media-type',
    );
    expectProblem(await call('GET', '/nowhere'), 404, 'not-found');
    expectProblem(await call('DELETE', `/accounts/${missing}`), 404, 'not-found');
  });
});

describe('operations', () => {
  test('/health, /ready, /metrics and /openapi.json need no key', async () => {
    const health = await call('GET', '/health', { as: null });
    expect([health.status, health.body]).toEqual([200, { status: 'ok' }]);
    expect((await call('GET', '/ready', { as: null })).status).toBe(200);

    await deposit(missing, '1'); // a refused command is counted too
    const metrics = await call('GET', '/metrics', { as: null });
    expect(metrics.status).toBe(200);
    for (const name of [
      'janus_commands_total{type="bank.OpenAccount",outcome="success"}',
      'janus_commands_total{type="bank.Deposit",outcome="not-found"}',
      'janus_command_duration_seconds_bucket',
      'janus_events_appended_total',
      'janus_projection_position{projection="bank.accounts"}',
      'janus_projection_lag_events{projection="bank.transactions"}',
      'janus_http_requests_total',
    ]) {
      expect(metrics.text).toContain(name);
    }
    const appended = /^janus_events_appended_total ([0-9]+)$/m.exec(metrics.text)?.[1];
    expect(Number(appended)).toBe(Number(await bank.bank.events.head()));

    const openapi = await call('GET', '/openapi.json', { as: null });
    expect(openapi.body.openapi).toBe('3.1.0');
    const paths = openapi.body.paths as Record<string, Record<string, unknown>>;
    const routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /accounts',
        'POST /accounts/{accountId}/deposits',
        'POST /accounts/{accountId}/withdrawals',
        'POST /transfers',
        'POST /accounts/{accountId}/close',
        'GET /accounts/{accountId}',
        'GET /accounts/{accountId}/transactions',
        'GET /customers/{customerId}/summary',
        'GET /accounts/{accountId}/statistics',
        'GET /accounts/{accountId}/statements/{month}',
        'GET /fraud/alerts',
        'GET /health',
        'GET /ready',
        'GET /metrics',
      ]),
    );
    const statement = paths['/accounts/{accountId}/statements/{month}']?.get as {
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    expect(Object.keys(statement.responses['200']?.content ?? {})).toEqual([
      'application/json',
      'text/csv',
      'application/pdf',
    ]);
  });
});

describe('money in answers', () => {
  test('every amount of every JSON answer has exactly two fraction digits', async () => {
    const { accountId } = await openAccount(call, { customerId: 'omar', initialDeposit: '7' });
    await deposit(accountId, '0.1');
    const last = await withdraw(accountId, '2.5');
    const headers = after(last.body.position as number);
    const month = new Date().toISOString().slice(0, 7);
    for (const path of [
      `/accounts/${accountId}`,
      `/accounts/${accountId}/transactions`,
      '/customers/omar/summary',
      `/accounts/${accountId}/statistics`,
      `/accounts/${accountId}/statements/${month}`,
      '/fraud/alerts',
    ]) {
      const answer = await call('GET', path, { headers });
      expect(answer.status, path).toBe(200);
      expect(badMoney(answer.body), path).toEqual([]);
    }
    const view = await call('GET', `/accounts/${accountId}`, { headers });
    expect(view.body.balance).toBe('4.60');
  });
});
