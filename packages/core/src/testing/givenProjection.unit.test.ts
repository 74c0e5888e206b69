import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { event } from '../message.js';
import { projection, sqlProjection } from '../projections/projection.js';
import { given } from './given.js';

const Opened = event('tab.Opened.v1', z.object({ tabId: z.string(), owner: z.string() }));
const Ordered = event('tab.Ordered.v1', z.object({ tabId: z.string(), cents: z.bigint() }));
const Closed = event('tab.Closed.v1', z.object({ tabId: z.string() }));
const Ignored = event('tab.Ignored.v1', z.object({ tabId: z.string() }));

interface Tab {
  readonly owner: string;
  readonly total: bigint;
  readonly orders: number;
  /** The version of the tab's last event in its stream, and its log position. */
  readonly seq: number;
  readonly position: string;
}

const tabs = projection({
  name: 'test.tabs',
  version: 1,
  handles: [Opened, Ordered, Closed],
  id: (e) => e.data.tabId,
  indexes: ['owner'],
  apply: (doc: Tab | undefined, e): Tab | null => {
    const at = { seq: e.version, position: String(e.position) };
    switch (e.type) {
      case 'tab.Opened.v1':
        return { owner: e.data.owner, total: 0n, orders: 0, ...at };
      case 'tab.Ordered.v1':
        return doc ? { ...doc, total: doc.total + e.data.cents, orders: doc.orders + 1, ...at } : null;
      case 'tab.Closed.v1':
        return null;
    }
  },
});

const history = [
  Opened({ tabId: 't1', owner: 'ann' }),
  Opened({ tabId: 't2', owner: 'bob' }),
  Ordered({ tabId: 't1', cents: 250n }),
];

describe('given(projection, events)', () => {
  test('thenDocuments passes on exactly the documents held, whatever the order of keys', () => {
    given(tabs, history).thenDocuments({
      t2: { seq: 2, position: '2', owner: 'bob', total: 0n, orders: 0 },
      t1: { owner: 'ann', total: 250n, orders: 1, seq: 3, position: '3' },
    });
    given(tabs).thenDocuments({});
  });

  test('thenDocuments fails on a missing, an extra or a different document, showing both', () => {
    expect(() => {
      given(tabs, history).thenDocuments({
        t1: { owner: 'ann', total: 250n, orders: 1, seq: 3, position: '3' },
      });
    }).toThrow(`expected documents ["t1"]\n     but got ["t1","t2"]`);
    expect(() => {
      given(tabs, history).thenDocuments({
        t1: { owner: 'ann', total: 251n, orders: 1, seq: 3, position: '3' },
        t2: { owner: 'bob', total: 0n, orders: 0, seq: 2, position: '2' },
      });
    }).toThrow(
      `expected document 't1' {"orders":1,"owner":"ann","position":"3","seq":3,"total":"251n"}\n` +
        `     but got {"orders":1,"owner":"ann","position":"3","seq":3,"total":"250n"}`,
    );
  });

  test('a document deleted by an event is gone; events it does not handle change nothing', () => {
    const spec = given(tabs, [...history, Ignored({ tabId: 't1' }), Closed({ tabId: 't2' })]);
    spec.thenDocument('t2', undefined);
    spec.thenDocument('t1', { owner: 'ann', total: 250n, orders: 1, seq: 3, position: '3' });
    expect(Object.keys(spec.documents())).toEqual(['t1']);
    expect(() => {
      spec.thenDocument('t2', { owner: 'bob', total: 0n, orders: 0, seq: 2, position: '2' });
    }).toThrow(/expected document 't2' \{.*\}\n {5}but got undefined/);
  });

  test('events carry their stream, versions counted per stream, and increasing positions', () => {
    given(tabs, [
      { ...Opened({ tabId: 't1', owner: 'ann' }), streamId: 'tab-t1' },
      { ...Opened({ tabId: 't2', owner: 'ann' }), streamId: 'tab-t2', position: 10n },
      { ...Ordered({ tabId: 't1', cents: 5n }), streamId: 'tab-t1' },
    ]).thenDocument('t1', { owner: 'ann', total: 5n, orders: 1, seq: 2, position: '11' });
    expect(() =>
      given(tabs, [
        { ...Opened({ tabId: 't1', owner: 'ann' }), position: 5n },
        { ...Closed({ tabId: 't1' }), position: 5n },
      ]),
    ).toThrow(/positions must increase/);
  });

  test('thenFinds answers by an index, in id order, and refuses a field that is not one', () => {
    const spec = given(tabs, [...history, Opened({ tabId: 't0', owner: 'ann' })]);
    spec.thenFinds('owner', 'ann', ['t0', 't1']);
    spec.thenFinds('owner', 'carl', []);
    expect(() => {
      spec.thenFinds('owner', 'ann', ['t1']);
    }).toThrow(`expected find("owner", "ann") to answer ["t1"]\n     but got ["t0","t1"]`);
    expect(() => {
      spec.thenFinds('orders', 1, ['t1']);
    }).toThrow(`'orders' is not an index of 'test.tabs' (["owner"]): a store finds nothing by it`);
  });

  test('documents are kept as the stores keep them: what JSON cannot hold does not survive', () => {
    const Tagged = event('tab.Tagged.v1', z.object({ tabId: z.string() }));
    const dated = projection({
      name: 'test.dated',
      version: 1,
      handles: [Tagged],
      id: (e) => e.data.tabId,
      apply: (doc: { at: Date | string; count: number } | undefined) => ({
        at: doc?.at ?? new Date(0),
        count: (doc?.count ?? 0) + 1,
      }),
    });
    const spec = given(dated, [Tagged({ tabId: 'x' }), Tagged({ tabId: 'x' })]);
    expect(spec.documents()).toEqual({ x: { at: '1970-01-01T00:00:00.000Z', count: 2 } });
  });

  test('an SQL projection needs a store: it does not compile, and throws from plain JavaScript', () => {
    const totals = sqlProjection({
      name: 'test.totals',
      version: 1,
      handles: [Ordered],
      tables: ['totals'],
      setup: () => undefined,
      apply: () => undefined,
    });
    // @ts-expect-error -- core cannot run SQL without a database
    expect(() => given(totals, [])).toThrow(/SQL projection: specify it against a projection store/);
  });
});
