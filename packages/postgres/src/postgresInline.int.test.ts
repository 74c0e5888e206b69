import { event, projection } from '@janus/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { PostgresEventStore } from './postgresEventStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

const Deposited = event('test.Deposited.v1', z.object({ account: z.string(), amount: z.number() }));

const balances = projection({
  name: 'test.inline-balances',
  version: 1,
  lifecycle: 'inline',
  handles: [Deposited],
  id: (e) => e.data.account,
  apply: (doc: { balance: number } | undefined, e) => {
    if (e.data.amount < 0) throw new Error('negative deposits are not projected');
    return { balance: (doc?.balance ?? 0) + e.data.amount };
  },
});

let database: TestDatabase;
let count = 0;

describe.skipIf(skipPostgres)('inline projections on PostgreSQL', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_inline');
  });
  afterAll(async () => {
    await database.drop();
  });

  const open = () =>
    PostgresEventStore.open(database.url, { schema: `inline_${++count}`, inlineProjections: [balances] });

  test('the read model changes in the same transaction as the append', async () => {
    const store = await open();
    try {
      const appends = Array.from({ length: 20 }, (_, i) =>
        store.append(`a-${i % 2}`, [Deposited({ account: `a${i % 2}`, amount: 1 })]),
      );
      const results = await Promise.all(appends);
      // No runner: the moment an append resolves, its read model already shows it.
      expect(await store.projections.documents<{ balance: number }>(balances).get('a0')).toEqual({
        balance: 10,
      });
      expect(await store.projections.documents<{ balance: number }>(balances).get('a1')).toEqual({
        balance: 10,
      });
      const head = results.reduce((max, r) => (r.position > max ? r.position : max), 0n);
      expect((await store.projections.record(balances.name))?.position).toBe(head);
    } finally {
      await store.close();
    }
  });

  test('an append whose inline projection fails is refused and leaves nothing; its neighbours commit', async () => {
    const store = await open();
    try {
      const [good, bad, alsoGood] = await Promise.allSettled([
        store.append('a', [Deposited({ account: 'a', amount: 5 })]),
        store.append('b', [Deposited({ account: 'b', amount: -1 })]),
        store.append('c', [Deposited({ account: 'c', amount: 7 })]),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(bad.status).toBe('rejected');
      expect(alsoGood.status).toBe('fulfilled');
      expect(await store.readStream('b')).toEqual([]);
      expect(await store.projections.documents(balances).get('b')).toBeUndefined();
      expect(await store.projections.documents(balances).get('c')).toEqual({ balance: 7 });
      // Positions may have gaps (a rolled-back append used one), never reorderings.
      expect((await store.readAll()).map((e) => e.streamId)).toEqual(['a', 'c']);
    } finally {
      await store.close();
    }
  });
});
