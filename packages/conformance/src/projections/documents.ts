import { describe, expect, test } from 'vitest';
import type { DocumentProjection, RecordedEvent } from '@janus/core';
import {
  ACCOUNTS,
  balances,
  deposit,
  expectedBalances,
  handled,
  log,
  storedBalances,
  useProjectionStores,
  type Balance,
} from './projectionSupport.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';

/** A projection whose events carry the whole document to store under an id (null deletes it). */
function verbatim(name: string, indexes: readonly string[]): DocumentProjection {
  return {
    kind: 'documents',
    name,
    version: 1,
    lifecycle: 'async',
    handles: ['conformance.Written.v1'],
    indexes,
    documentId: (event) => (event.data as { id: string }).id,
    apply: (_doc, event) => (event.data as { doc: unknown }).doc,
  };
}

function written(position: bigint, id: string, doc: unknown): RecordedEvent {
  return { ...deposit(position, id, 1), type: 'conformance.Written.v1', data: { id, doc } };
}

/** Writes `docs` (id → document or null) as one batch after the projection's checkpoint. */
async function write(store: ProjectionStoreUnderTest, p: DocumentProjection, docs: [string, unknown][]) {
  const from = (await store.ensure(p)).position;
  const events = docs.map(([id, doc], i) => written(from + BigInt(i) + 1n, id, doc));
  await store.applyBatch(p, 1, events, from, from + BigInt(docs.length));
}

/**
 * Documents and their indexes, as query handlers read them: `get` by id and `find` by an indexed field,
 * in id order (the reader exposes no paging). Documents must come back as they were written.
 */
export function describeDocuments<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('documents and their indexes', () => {
    const open = useProjectionStores(target);

    test('get answers a document as it was written, and undefined for none', async () => {
      const store = await open();
      const p = verbatim('documents.get', []);
      const doc = {
        text: 'Grüße, “quotes”, \\ back\\slash, 🙂, \u0000 and \u2028',
        numbers: [0, -1, 0.1, 1e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
        cents: 123_456_789_012_345_678_901n,
        nested: { empty: {}, list: [[], [null], { deep: true }], nothing: null },
        flag: false,
      };
      await write(store, p, [
        ['a', doc],
        ['ü/ 🙂 \' "', { id: 'odd' }],
        ['arrays', [1, 'two', null]],
        ['scalar', 'just a string'],
      ]);
      const reader = store.documents<unknown>(p);
      expect(await reader.get('a')).toEqual(doc);
      expect(await reader.get('ü/ 🙂 \' "')).toEqual({ id: 'odd' });
      expect(await reader.get('arrays')).toEqual([1, 'two', null]);
      expect(await reader.get('scalar')).toBe('just a string');
      expect(await reader.get('A')).toBeUndefined();
      expect(await reader.get('')).toBeUndefined();
      // What a reader answers is a copy: changing it changes nothing stored.
      const copy = (await reader.get('a')) as typeof doc;
      copy.nested.list.push([]);
      expect(await reader.get('a')).toEqual(doc);
    });

    test('a document comes back as JSON carries it, in every store: dates as strings, no undefined, no NaN', async () => {
      const store = await open();
      const p = verbatim('documents.json', []);
      await write(store, p, [
        [
          'a',
          { at: new Date('2026-01-02T03:04:05.000Z'), list: [1, undefined], gone: undefined, n: Number.NaN },
        ],
      ]);
      expect(await store.documents<unknown>(p.name).get('a')).toStrictEqual({
        at: '2026-01-02T03:04:05.000Z',
        list: [1, null],
        n: null,
      });
    });

    test('find answers the documents whose indexed field equals the value, of its type, in id order (by character codes)', async () => {
      const store = await open();
      const p = verbatim('documents.find', ['tier', 'rank', 'vip']);
      const ids = ['b', 'a10', 'a2', 'B', 'a', '_', 'a-1', 'z'];
      await write(
        store,
        p,
        ids.map((id, i) => [
          id,
          { id, tier: i % 2 === 0 ? 'gold' : 'silver', rank: i % 3, vip: i % 2 === 0 },
        ]),
      );
      await write(store, p, [
        ['text-1', { id: 'text-1', tier: '1', rank: '1', vip: 'true' }],
        ['missing', { id: 'missing' }],
        ['nested', { id: 'nested', tier: { gold: true }, rank: [1], vip: null }],
      ]);
      const reader = store.documents<{ id: string }>(p.name);
      const idsOf = async (field: string, value: string | number | boolean) =>
        (await reader.find(field, value)).map((d) => d.id);
      const inOrder = (selected: string[]) => [...selected].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

      expect(await idsOf('tier', 'gold')).toEqual(inOrder(ids.filter((_, i) => i % 2 === 0)));
      expect(await idsOf('tier', 'silver')).toEqual(inOrder(ids.filter((_, i) => i % 2 === 1)));
      expect(await idsOf('rank', 1)).toEqual(inOrder(ids.filter((_, i) => i % 3 === 1)));
      expect(await idsOf('vip', true)).toEqual(await idsOf('tier', 'gold'));
      // A value is found only as its own type: '1' is not 1, 'true' is not true.
      expect(await idsOf('tier', '1')).toEqual(['text-1']);
      expect(await idsOf('rank', '1')).toEqual(['text-1']);
      expect(await idsOf('vip', 'true')).toEqual(['text-1']);
      expect(await idsOf('tier', 'platinum')).toEqual([]);
      // Fields that are not indexed, or not scalars, find nothing.
      expect(await idsOf('id', 'b')).toEqual([]);
      expect(await idsOf('tier', 'true')).toEqual([]);
      expect((await reader.find('tier', 'gold'))[0]).toEqual({ id: 'a', tier: 'gold', rank: 1, vip: true });
    });

    test('an updated document moves between index values; a deleted one leaves get and find; it can come back', async () => {
      const store = await open();
      const p = balances({ name: 'documents.lifecycle' });
      await store.ensure(p);
      const events = [
        deposit(1n, 'acc-0', 5),
        deposit(2n, 'acc-1', 30),
        deposit(3n, 'acc-0', 0), // closes acc-0 …
        deposit(4n, 'acc-0', 7), // … and opens it again, in the same batch
        deposit(5n, 'acc-1', 1),
        deposit(6n, 'acc-9', 0), // closes an account that never was
      ];
      await store.applyBatch(p, 1, events, 0n, 6n);
      const reader = store.documents<Balance>(p);
      expect(await reader.get('acc-0')).toEqual({
        account: 'acc-0',
        total: 7,
        count: 1,
        parity: 'odd',
        large: false,
      });
      expect(await reader.find('parity', 'odd')).toEqual([await reader.get('acc-0')]);
      expect(await reader.find('parity', 'even')).toEqual([await reader.get('acc-1')]);
      expect(await reader.find('count', 2)).toEqual([await reader.get('acc-1')]);
      expect(await reader.find('large', true)).toEqual([await reader.get('acc-1')]);

      expect(await reader.get('acc-9')).toBeUndefined();
      await store.applyBatch(p, 1, [deposit(7n, 'acc-1', 0), deposit(8n, 'acc-0', 20)], 6n, 8n);
      expect(await reader.get('acc-1')).toBeUndefined();
      expect(await reader.find('parity', 'odd')).toEqual([]);
      expect(await reader.find('count', 2)).toEqual([
        { account: 'acc-0', total: 27, count: 2, parity: 'even', large: true },
      ]);
      expect(await reader.find('large', true)).toEqual(await reader.find('count', 2));
      expect(await reader.find('large', false)).toEqual([]);
    });

    test('projections keep their documents apart; a reader by name answers like one by projection', async () => {
      const store = await open();
      const one = balances({ name: 'documents.one' });
      const two = balances({ name: 'documents.two', factor: 10 });
      const events = log(25);
      for (const p of [one, two]) {
        await store.ensure(p);
        await store.applyBatch(p, 1, handled(events), 0n, 25n);
      }
      expect(await storedBalances(store, one.name, ACCOUNTS)).toEqual(expectedBalances(events));
      expect(await storedBalances(store, two.name, ACCOUNTS)).toEqual(expectedBalances(events, 10));
      expect(await store.documents<Balance>(two).find('parity', 'odd')).toEqual(
        await store.documents<Balance>(two.name).find('parity', 'odd'),
      );
      const nobody = store.documents<Balance>('documents.nobody');
      expect(await nobody.get('acc-0')).toBeUndefined();
      expect(await nobody.find('parity', 'odd')).toEqual([]);
    });
  });
}
