import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import {
  after,
  caller,
  KEYS,
  openAccount,
  serveBank,
  temporaryDir,
  type Call,
  type TestBank,
} from '../testing/bankServer.js';
import { startBank } from './startBank.js';

let t: TestBank;
let accountId: string;
beforeAll(async () => {
  t = await serveBank();
  ({ accountId } = await openAccount(t.call, { customerId: 'alice', initialDeposit: '100' }));
});
afterAll(() => t.close());

const key = (name: string) => ({ 'idempotency-key': `${name}-${Math.random().toString(36).slice(2)}` });

async function balance(id: string, position: number, call: Call = t.call): Promise<unknown> {
  return (await call('GET', `/accounts/${id}`, { headers: after(position) })).body.balance;
}

describe('Idempotency-Key on the bank', () => {
  test('a retried deposit gets the first answer again and moves money once', async () => {
    const headers = key('deposit');
    const first = await t.call('POST', `/accounts/${accountId}/deposits`, {
      json: { amount: '10' },
      headers,
    });
    const again = await t.call('POST', `/accounts/${accountId}/deposits`, {
      json: { amount: '10' },
      headers,
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balance(accountId, first.body.position as number)).toBe('110.00');
  });

  test('a retried account opening answers the same account and Location', async () => {
    const headers = key('open');
    const body = { customerId: 'bob', type: 'savings' };
    const first = await t.call('POST', '/accounts', { json: body, headers });
    const again = await t.call('POST', '/accounts', { json: body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const summary = await t.call('GET', '/customers/bob/summary', {
      headers: after(first.body.position as number),
    });
    expect((summary.body.accounts as unknown[]).length).toBe(1);
  });

  test('the same key with another body is a 422 idempotency-key-reused', async () => {
    const headers = key('reuse');
    await t.call('POST', `/accounts/${accountId}/deposits`, { json: { amount: '1' }, headers });
    const reused = await t.call('POST', `/accounts/${accountId}/deposits`, {
      json: { amount: '2' },
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
  });

  test('parallel duplicates: one effect, the others in flight (409) or replayed', async () => {
    const headers = key('parallel');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.call('POST', `/accounts/${accountId}/withdrawals`, { json: { amount: '3' }, headers }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    for (const a of answers.filter((x) => x.status === 409))
      expect(a.body.type).toBe('/problems/idempotency-in-flight');
    const created = answers.filter((a) => a.status === 201);
    expect(new Set(created.map((a) => a.body.transactionId)).size).toBe(1);
    const history = await t.call('GET', `/accounts/${accountId}/transactions?limit=500`, {
      headers: after(created[0]?.body.position as number),
    });
    const withdrawals = (history.body.items as { transactionId: string }[]).filter(
      (i) => i.transactionId === created[0]?.body.transactionId,
    );
    expect(withdrawals).toHaveLength(1);
  });

  test('a replay after a restart gets the first answer, from the keys kept with the events', async () => {
    const dataDir = await temporaryDir('idem-restart');
    const variables = {
      PORT: '0',
      BANK_DATA_DIR: dataDir,
      BANK_API_KEYS: `${KEYS.teller}=teller`,
      LOG_LEVEL: 'silent',
    };
    try {
      const first = await startBank(loadConfig(variables, process.cwd()), { processMetrics: false });
      const call = caller(first.url);
      const { accountId: id } = await openAccount(call, { customerId: 'carol', initialDeposit: '50' });
      const headers = key('restart');
      const deposit = await call('POST', `/accounts/${id}/deposits`, { json: { amount: '5' }, headers });
      await first.close();

      const second = await startBank(loadConfig(variables, process.cwd()), { processMetrics: false });
      try {
        const again = await caller(second.url)('POST', `/accounts/${id}/deposits`, {
          json: { amount: '5' },
          headers,
        });
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body).toEqual(deposit.body);
        const account = await caller(second.url)('GET', `/accounts/${id}`, {
          headers: after(deposit.body.position as number),
        });
        expect(account.body.balance).toBe('55.00');
      } finally {
        await second.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** The idempotency record the bank keeps for one caller's key, if any. */
const kept = (as: 'auditor' | 'alice', headers: Record<string, string>) =>
  t.bank.events.readIdempotencyKey(
    // Principal ids are keyed hashes of the keys: the bank's own principals say which.
    t.bank.apiKeys.principals.get(KEYS[as])?.id ?? '',
    headers['idempotency-key'] ?? '',
  );

describe('what Idempotency-Key keeps, and where', () => {
  test('a 403 (auditor) and the 404 of another customer’s account keep nothing: no event, no record', async () => {
    const { accountId: bobs } = await openAccount(t.call, { customerId: 'bob', initialDeposit: '10' });
    const head = await t.bank.events.head();
    for (let i = 0; i < 3; i++) {
      const headers = key(`refused-${i}`);
      const auditor = await t.call('POST', `/accounts/${bobs}/deposits`, {
        as: 'auditor',
        json: { amount: '1' },
        headers,
      });
      expect(auditor.status).toBe(403);
      const alice = await t.call('POST', `/accounts/${bobs}/withdrawals`, {
        as: 'alice',
        json: { amount: '1' },
        headers,
      });
      expect(alice.status).toBe(404);
      expect(await t.bank.events.head(), 'nothing logged').toBe(head);
      // Not kept: the same key again is refused again, not replayed.
      const again = await t.call('POST', `/accounts/${bobs}/withdrawals`, {
        as: 'alice',
        json: { amount: '1' },
        headers,
      });
      expect(again.status).toBe(404);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(await kept('auditor', headers)).toBeUndefined();
      expect(await kept('alice', headers)).toBeUndefined();
    }
    expect(await t.bank.events.head()).toBe(head);
  });

  test('the same body with its members in another order is the same request: replayed', async () => {
    const { accountId: to } = await openAccount(t.call, { customerId: 'dave' });
    const headers = key('reordered');
    const first = await t.call('POST', '/transfers', {
      json: { fromAccountId: accountId, toAccountId: to, amount: '1' },
      headers,
    });
    expect(first.status).toBe(201);
    const head = await t.bank.events.head();
    const again = await t.call('POST', '/transfers', {
      raw: `{"amount":"1","toAccountId":"${to}","fromAccountId":"${accountId}"}`,
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(again.status, again.text).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await t.bank.events.head()).toBe(head);
  });

  test('the global log holds business events only, however many keyed requests were made', async () => {
    const { accountId: id } = await openAccount(t.call, { customerId: 'erin', initialDeposit: '30' });
    const before = await t.bank.events.head();
    const headers = key('log');
    await t.call('POST', `/accounts/${id}/deposits`, { json: { amount: '5' }, headers });
    await t.call('POST', `/accounts/${id}/deposits`, { json: { amount: '5' }, headers });
    // A refusal that appends nothing is kept too, and still writes nothing to the log.
    await t.call('POST', `/accounts/${id}/withdrawals`, { json: { amount: '999' }, headers: key('refusal') });
    await t.call('POST', '/accounts', {
      json: { customerId: 'erin', type: 'savings' },
      headers: key('open'),
    });
    const logged = await t.bank.events.readAll({ after: before });
    expect(logged.map((e) => e.type)).toEqual(['bank.MoneyDeposited.v1', 'bank.AccountOpened.v1']);
    expect((await t.bank.events.readAll()).every((e) => e.type.startsWith('bank.'))).toBe(true);
  });

  test('a kept refusal is answered again, not decided again', async () => {
    const { accountId: id } = await openAccount(t.call, { customerId: 'frank', initialDeposit: '5' });
    const headers = key('refused-once');
    const first = await t.call('POST', `/accounts/${id}/withdrawals`, { json: { amount: '10' }, headers });
    expect(first.status).toBe(422);
    await t.call('POST', `/accounts/${id}/deposits`, { json: { amount: '100' } });
    const again = await t.call('POST', `/accounts/${id}/withdrawals`, { json: { amount: '10' }, headers });
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  test('after the key lifetime (BANK_IDEMPOTENCY_TTL_HOURS) the same key is a new request', async () => {
    // New keys take their time from this clock; the store judges expiry by its own. A key taken more than
    // a lifetime (2 h) ago is past it when the retry comes: no waiting on the wall clock.
    let offsetMs = 0;
    const short = await serveBank(
      { BANK_IDEMPOTENCY_TTL_HOURS: '2' },
      { idempotencyClock: () => Date.now() + offsetMs },
    );
    try {
      const { accountId: id } = await openAccount(short.call, { customerId: 'gina', initialDeposit: '50' });
      const kept = key('kept');
      const answered = await short.call('POST', `/accounts/${id}/deposits`, {
        json: { amount: '5' },
        headers: kept,
      });
      const replayedToo = await short.call('POST', `/accounts/${id}/deposits`, {
        json: { amount: '5' },
        headers: kept,
      });
      expect(replayedToo.headers.get('idempotent-replayed')).toBe('true');
      expect(replayedToo.body).toEqual(answered.body);

      offsetMs = -(2 * 3_600_000 + 60_000);
      const headers = key('expiring');
      const first = await short.call('POST', `/accounts/${id}/deposits`, { json: { amount: '5' }, headers });
      expect(first.status).toBe(201);
      offsetMs = 0;
      const renewed = await short.call('POST', `/accounts/${id}/deposits`, {
        json: { amount: '5' },
        headers,
      });
      expect(renewed.status).toBe(201);
      expect(renewed.headers.get('idempotent-replayed')).toBeNull();
      expect(renewed.body.transactionId).not.toBe(first.body.transactionId);
      expect(await balance(id, renewed.body.position as number, short.call)).toBe('65.00');
    } finally {
      await short.close();
    }
  });
});
