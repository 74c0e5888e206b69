import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { requestFingerprint } from './idempotencyKeys.js';
import { serveForTest, type Served } from '@janus/test-support/serveForTest';

let s: Served;
beforeAll(async () => {
  s = await serveForTest();
  await s.call('POST', '/wallets', { json: { walletId: 'idem' } });
});
afterAll(() => s.close());

const key = (name: string) => ({ 'idempotency-key': `${name}-${Math.random().toString(36).slice(2)}` });

describe('Idempotency-Key', () => {
  test('a retry gets the first answer again, marked as replayed, and has no second effect', async () => {
    const headers = key('credit');
    const first = await s.call('POST', '/wallets/idem/credits', { json: { amount: 7 }, headers });
    const again = await s.call('POST', '/wallets/idem/credits', { json: { amount: 7 }, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const credits = (await s.store.readStream('wallet-idem')).filter((e) => e.type === 'test.Credited.v1');
    expect(credits).toHaveLength(1);
  });

  test('the key commits with the events of its command, beside the log, never in it', async () => {
    const headers = key('together');
    const before = await s.store.head();
    const answer = await s.call('POST', '/wallets/idem/credits', { json: { amount: 1 }, headers });
    const events = await s.store.readAll({ after: before });
    expect(events.map((e) => e.type)).toEqual(['test.Credited.v1']);
    expect(answer.body.position).toBe(Number(events[0]?.position));
    const kept = await s.store.readIdempotencyKey('alice', headers['idempotency-key']);
    expect(kept).toMatchObject({
      firstPosition: events[0]?.position,
      answer: { status: 201, body: answer.body },
    });
  });

  test('the same key with another body is refused with 422 idempotency-key-reused, changing nothing', async () => {
    const headers = key('reuse');
    await s.call('POST', '/wallets/idem/credits', { json: { amount: 2 }, headers });
    const before = await s.store.streamVersion('wallet-idem');
    const reused = await s.call('POST', '/wallets/idem/credits', { json: { amount: 3 }, headers });
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
    expect(await s.store.streamVersion('wallet-idem')).toBe(before);
  });

  test('the same key while the first request still runs is a 409 idempotency-in-flight', async () => {
    const headers = key('slow');
    const [a, b] = await Promise.all([
      s.call('POST', '/slow', { json: { ms: 400 }, headers }),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() =>
        s.call('POST', '/slow', { json: { ms: 400 }, headers }),
      ),
    ]);
    expect([a.status, b.status]).toEqual([200, 409]);
    expect(b.body.type).toBe('/problems/idempotency-in-flight');
    const later = await s.call('POST', '/slow', { json: { ms: 400 }, headers });
    expect(later.status).toBe(200);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
  });

  test('a refusal is an answer too: the retry gets it again even when it would now succeed', async () => {
    await s.call('POST', '/wallets', { json: { walletId: 'poor' } });
    const headers = key('debit');
    const refused = await s.call('POST', '/wallets/poor/debits', { json: { amount: 5 }, headers });
    expect(refused.status).toBe(422);
    await s.call('POST', '/wallets/poor/credits', { json: { amount: 50 } });
    const again = await s.call('POST', '/wallets/poor/debits', { json: { amount: 5 }, headers });
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(refused.body);
    expect((await s.store.readStream('wallet-poor')).map((e) => e.type)).not.toContain('test.Debited.v1');
  });

  test('a malformed key is a 400 and changes nothing', async () => {
    const before = await s.store.head();
    for (const bad of ['', 'has space', 'x'.repeat(256), 'naïve']) {
      const answer = await s.call('POST', '/wallets/idem/credits', {
        json: { amount: 1 },
        headers: { 'idempotency-key': bad },
      });
      expect(answer.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await s.store.head()).toBe(before);
  });

  test('a lost answer that cannot be rebuilt for sure is a 409 concurrency-conflict, writing nothing', async () => {
    const headers = key('mismatch');
    const json = { amount: 4 };
    // The key's command committed other events than this request now decides (a deploy changed the
    // decider since), and its answer was lost: the rebuild decides otherwise.
    await s.store.appendMany(
      [{ streamId: 'elsewhere', events: [{ id: 'other:0', type: 'test.Noted.v1', data: {} }] }],
      {
        idempotencyKey: {
          scope: 'alice',
          key: headers['idempotency-key'],
          fingerprint: requestFingerprint('POST', '/wallets/idem/credits', json),
          messageId: 'other',
          issuedAt: new Date().toISOString(),
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
      },
    );
    const before = await s.store.head();
    const answer = await s.call('POST', '/wallets/idem/credits', { json, headers });
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(answer.body.type).toBe('/problems/concurrency-conflict');
    expect(await s.store.head()).toBe(before);
    expect((await s.store.readIdempotencyKey('alice', headers['idempotency-key']))?.answer).toBeUndefined();
  });

  test('a command that committed is answered even when saving its answer then fails; a retry rebuilds it', async () => {
    const headers = key('unsaved');
    const save = s.store.saveIdempotencyAnswer.bind(s.store);
    s.store.saveIdempotencyAnswer = () => Promise.reject(new Error('disk I/O error'));
    let first;
    try {
      first = await s.call('POST', '/wallets/idem/credits', { json: { amount: 3 }, headers });
    } finally {
      s.store.saveIdempotencyAnswer = save;
    }
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const kept = await s.store.readIdempotencyKey('alice', headers['idempotency-key']);
    expect(kept?.answer).toBeUndefined();
    expect(first.body.position).toBe(Number(kept?.firstPosition));
    const warned = s.logs.filter((line) => line.level === 40 && /saving the answer/.test(String(line.msg)));
    expect(warned).toHaveLength(1);
    const again = await s.call('POST', '/wallets/idem/credits', { json: { amount: 3 }, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await s.store.head()).toBe(kept?.firstPosition);
  });
});
