import { describe, expect, test } from 'vitest';
import type { RecordedEvent, SqlProjection } from '@janus/core';
import { rejection } from '../support.js';
import {
  deposit,
  end,
  expectStale,
  handled,
  log,
  useProjectionStores,
  type Deposit,
} from './projectionSupport.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest, SqlSupport } from './projectionStoreTarget.js';

/** Runs `steps` in order, synchronously as long as each answers synchronously (SQLite needs that). */
function inOrder(steps: readonly (() => void | Promise<void>)[]): void | Promise<void> {
  for (const [i, step] of steps.entries()) {
    const result = step();
    if (result instanceof Promise) return result.then(() => inOrder(steps.slice(i + 1)));
  }
}

/** How the suite's SQL projection writes and reads: a store's SqlSupport without its reader. */
type Statements<Tx> = Pick<SqlSupport<ProjectionStoreUnderTest, Tx>, 'table' | 'run' | 'all'>;

/** Runs `use` with `{entries}` in `text` made the real name of the projection's table in `tx`'s generation. */
function named<Tx, R>(
  sql: Statements<Tx>,
  tx: Tx,
  text: string,
  use: (resolved: string) => R | Promise<R>,
): R | Promise<R> {
  const table = sql.table(tx, 'entries');
  return table instanceof Promise
    ? table.then((t) => use(text.replaceAll('{entries}', t)))
    : use(text.replaceAll('{entries}', table));
}

/** One row per deposit, keyed by position: a deposit applied twice breaks the key, one skipped is missing. */
function entries<Tx>(sql: Statements<Tx>, name: string, options: { version?: number; poison?: number } = {}) {
  const projection: SqlProjection<Tx> = {
    kind: 'sql',
    name,
    version: options.version ?? 1,
    lifecycle: 'async',
    handles: ['conformance.Deposited.v1'],
    tables: ['entries'],
    setup: (tx) =>
      named(
        sql,
        tx,
        'CREATE TABLE {entries} (position bigint PRIMARY KEY, account text NOT NULL, amount bigint NOT NULL)',
        (s) => sql.run(tx, s, []),
      ),
    apply: (event, tx) => {
      const { account, amount } = event.data as Deposit;
      return inOrder([
        () => {
          if (amount === options.poison) throw new Error(`refusing amount ${amount}`);
        },
        () =>
          named(sql, tx, 'INSERT INTO {entries} (position, account, amount) VALUES (?, ?, ?)', (s) =>
            sql.run(tx, s, [event.position, account, amount * (options.version ?? 1)]),
          ),
      ]);
    },
  };
  return projection;
}

/** What the rows of a projection's active generation should be after `events` (version n multiplies amounts). */
const rowsOf = (events: readonly RecordedEvent[], version = 1) =>
  handled(events).map((e) => {
    const { account, amount } = e.data as Deposit;
    return { position: e.position, account, amount: BigInt(amount * version) };
  });

/**
 * SQL projections, for stores that keep them: `setup` makes a generation's tables, `apply` writes in the
 * batch's transaction, a rebuild fills new tables while readers query the old ones. A store without them
 * declares so, and must refuse one at `ensure` rather than accept what it cannot keep.
 */
export function describeSqlProjections<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): void {
  describe('SQL projections', () => {
    const open = useProjectionStores(target);
    const { sql } = target;

    if (sql === 'unsupported') {
      test('are declared unsupported: ensure refuses one with a TypeError and records nothing', async () => {
        const store = await open();
        const refused = await rejection(store.ensure(entries(unusable, 'sql.refused')));
        expect(refused).toBeInstanceOf(TypeError);
        expect(await store.records()).toEqual([]);
      });
      return;
    }

    const rows = async (store: S, name: string) => {
      const reader = sql.reader(store, name);
      const found = await named(
        sql,
        reader,
        'SELECT position, account, amount FROM {entries} ORDER BY position',
        (s) => sql.all(reader, s, []),
      );
      return found.map((r) => ({
        position: BigInt(String(r.position)),
        account: r.account,
        amount: BigInt(String(r.amount)),
      }));
    };

    test('ensure sets up the tables, batches write rows with their checkpoint, a failing one writes nothing', async () => {
      const store = await open();
      const p = entries(sql, 'sql.batches', { poison: -1 });
      await store.ensure(p);
      expect(await rows(store, p.name)).toEqual([]);
      const events = log(30);
      await store.applyBatch(p, 1, handled(events.slice(0, 10)), 0n, 10n);
      await store.applyBatch(p, 1, handled(events.slice(10)), 10n, 30n);
      expect(await rows(store, p.name)).toEqual(rowsOf(events));

      const poisoned = [...log(5, { first: 31n }), deposit(36n, 'acc-0', -1)];
      const error = await rejection(store.applyBatch(p, 1, handled(poisoned), 30n, 36n));
      expect((error as Error).message).toBe('refusing amount -1');
      await expectStale(store.applyBatch(p, 1, handled(poisoned), 0n, 36n));
      expect((await store.record(p.name))?.position).toBe(30n);
      expect(await rows(store, p.name)).toEqual(rowsOf(events));
    });

    test('of writers committing the same batch at once exactly one succeeds', async () => {
      const store = await open();
      const p = entries(sql, 'sql.race');
      await store.ensure(p);
      const events = log(20);
      const outcomes = await Promise.allSettled(
        [1, 2, 3].map(() => store.applyBatch(p, 1, handled(events), 0n, end(events))),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await rows(store, p.name)).toEqual(rowsOf(events));
    });

    test('a rebuild fills new tables while readers query the old ones; the switch moves readers and drops them', async () => {
      const store = await open();
      const v1 = entries(sql, 'sql.rebuild');
      const v2 = entries(sql, v1.name, { version: 2 });
      await store.ensure(v1);
      const events = log(20);
      await store.applyBatch(v1, 1, handled(events), 0n, 20n);
      const { generation } = await store.beginRebuild(v2, 20n);
      await store.applyBatch(v2, generation, handled(events.slice(0, 12)), 0n, 12n);
      expect(await rows(store, v1.name)).toEqual(rowsOf(events));
      const reader = sql.reader(store, v1.name);
      const oldTable = await sql.table(reader, 'entries');

      await store.applyBatch(v2, generation, handled(events.slice(12)), 12n, 20n);
      await store.completeRebuild(v2, generation);
      expect(await rows(store, v1.name)).toEqual(rowsOf(events, 2));
      // The same reader follows the switch; the old generation's table is gone.
      expect(await sql.table(reader, 'entries')).not.toBe(oldTable);
      const gone = await rejection(
        Promise.resolve().then(() => sql.all(reader, `SELECT count(*) AS n FROM ${oldTable}`, [])),
      );
      expect(gone).toBeInstanceOf(Error);
    });
  });
}

/** An SqlSupport for stores that declared SQL unsupported: the refused projection never reaches it. */
const unusable: Statements<never> = {
  table: () => {
    throw new Error('unreachable');
  },
  run: () => {},
  all: () => [],
};
