// Projections shared by the PostgreSQL integration tests and the worker processes they start and kill
// (src/testing/projectionWorker.ts, run from dist/). Both sides must fold events the very same way.
import {
  event,
  type EventStore,
  projection,
  sqlProjection,
  type EventOf,
  type RecordedEvent,
  type StandardSchemaV1,
} from '@janus/core';
import type { PgTx } from '../pgTx.js';

/** A schema that accepts what it is given: these fixtures need the types, not validation. */
const trusted = <T>(): StandardSchemaV1<T> => ({
  '~standard': { version: 1, vendor: 'janus-test', validate: (value) => ({ value: value as T }) },
});

export const Deposited = event('test.Deposited.v1', trusted<{ account: string; amount: number }>());
/** An event no projection handles: it must only move checkpoints. */
export const Noted = event('test.Noted.v1', trusted<{ note: string }>());

type Deposit = RecordedEvent<EventOf<typeof Deposited>>;

/**
 * One account's counters, which reveal an event applied twice or skipped: deposits on an account go to
 * its own stream, so a document that sees a stream version other than `lastVersion + 1`, or a global
 * position not above `lastPosition`, counts an anomaly; `count` and `sum` would be off as well.
 */
export interface Counter {
  readonly account: string;
  readonly count: number;
  readonly sum: number;
  readonly lastVersion: number;
  /** Decimal string: documents are JSON. */
  readonly lastPosition: string;
  readonly anomalies: number;
  /** Indexed: 'even' or 'odd' number of deposits. */
  readonly parity: 'even' | 'odd';
}

/** The counter after one more deposit; `factor` multiplies the amounts (version 2 of a projection, say). */
export function addDeposit(doc: Counter | undefined, e: Deposit, factor = 1): Counter {
  const lastVersion = doc?.lastVersion ?? 0;
  const lastPosition = BigInt(doc?.lastPosition ?? '0');
  const count = (doc?.count ?? 0) + 1;
  const inOrder = e.version === lastVersion + 1 && e.position > lastPosition;
  return {
    account: e.data.account,
    count,
    sum: (doc?.sum ?? 0) + e.data.amount * factor,
    lastVersion: e.version,
    lastPosition: e.position.toString(),
    anomalies: (doc?.anomalies ?? 0) + (inOrder ? 0 : 1),
    parity: count % 2 === 0 ? 'even' : 'odd',
  };
}

export interface CounterOptions {
  readonly name: string;
  readonly version?: number;
  /** An amount it refuses (throws on), to stop it at an event. */
  readonly poison?: number;
}

/** Counters by account, as documents; version n multiplies amounts by n (so a rebuild shows). */
export const counterDocuments = (options: CounterOptions) => {
  const version = options.version ?? 1;
  return projection({
    name: options.name,
    version,
    handles: [Deposited],
    id: (e) => e.data.account,
    indexes: ['parity'],
    apply: (doc: Counter | undefined, e) => {
      if (e.data.amount === options.poison) throw new Error(`refusing amount ${options.poison}`);
      return addDeposit(doc, e, version);
    },
  });
};

/** The same counters in tables of their own: one row per account, and one running total of events. */
export const counterTables = (options: CounterOptions) => {
  const version = options.version ?? 1;
  return sqlProjection({
    name: options.name,
    version,
    handles: [Deposited],
    tables: ['counters', 'totals'],
    setup: async (tx: PgTx) => {
      await tx.query(`CREATE TABLE ${await tx.table('counters')} (
        account       text   PRIMARY KEY,
        count         bigint NOT NULL,
        sum           bigint NOT NULL,
        last_version  bigint NOT NULL,
        last_position bigint NOT NULL,
        anomalies     bigint NOT NULL
      )`);
      await tx.query(`CREATE TABLE ${await tx.table('totals')} (id int PRIMARY KEY, events bigint NOT NULL)`);
      await tx.query(`INSERT INTO ${await tx.table('totals')} (id, events) VALUES (1, 0)`);
    },
    apply: async (e, tx: PgTx) => {
      if (e.data.amount === options.poison) throw new Error(`refusing amount ${options.poison}`);
      await tx.query(
        `INSERT INTO ${await tx.table('counters')} AS c
           (account, count, sum, last_version, last_position, anomalies)
         VALUES ($1::text, 1, $2::bigint, $3::bigint, $4::bigint, CASE WHEN $3::bigint = 1 THEN 0 ELSE 1 END)
         ON CONFLICT (account) DO UPDATE SET
           count = c.count + 1,
           sum = c.sum + excluded.sum,
           anomalies = c.anomalies + CASE WHEN c.last_version + 1 = excluded.last_version
                                            AND c.last_position < excluded.last_position THEN 0 ELSE 1 END,
           last_version = excluded.last_version,
           last_position = excluded.last_position`,
        [e.data.account, e.data.amount * version, e.version, e.position],
      );
      await tx.query(`UPDATE ${await tx.table('totals')} SET events = events + 1 WHERE id = 1`);
    },
  });
};

/** A row of `counterTables`, as PostgreSQL answers it (int8 as bigint). */
export interface CounterRow {
  readonly account: string;
  readonly count: bigint;
  readonly sum: bigint;
  readonly last_version: bigint;
  readonly last_position: bigint;
  readonly anomalies: bigint;
}

/** What a correct read model holds: the log folded here, with the same `addDeposit`. */
export function foldCounters(
  events: readonly RecordedEvent[],
  options: { factor?: number; except?: ReadonlySet<bigint> } = {},
): Map<string, Counter> {
  const counters = new Map<string, Counter>();
  for (const e of events) {
    if (!Deposited.is(e) || options.except?.has(e.position)) continue;
    const deposit = e as Deposit;
    counters.set(
      deposit.data.account,
      addDeposit(counters.get(deposit.data.account), deposit, options.factor),
    );
  }
  return counters;
}

/** The rows `counterTables` should hold for a fold, sorted by account. */
export const counterRows = (folded: ReadonlyMap<string, Counter>): CounterRow[] =>
  [...folded.values()]
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
    .map((c) => ({
      account: c.account,
      count: BigInt(c.count),
      sum: BigInt(c.sum),
      last_version: BigInt(c.lastVersion),
      last_position: BigInt(c.lastPosition),
      anomalies: BigInt(c.anomalies),
    }));

/** The projections of the worker processes (projectionWorker.ts), and of the test that waits on them. */
export const workerProjections = () => [
  counterDocuments({ name: 'workers.counters' }),
  counterTables({ name: 'workers.counter-tables' }),
];

/**
 * Appends `count` deposits of random amounts (1..1000) to accounts `acc-0`…`acc-{accounts-1}`, `perAppend`
 * to one account's stream per append, all appends at once (so that they group-commit), and one Noted.
 * Resolves with the position of the last one.
 */
export async function appendDeposits(
  events: EventStore,
  count: number,
  options: { accounts?: number; perAppend?: number; amount?: () => number } = {},
): Promise<bigint> {
  const { accounts = 20, perAppend = 10, amount = () => 1 + Math.floor(Math.random() * 1000) } = options;
  const appends: Promise<{ position: bigint }>[] = [];
  for (let done = 0; done < count; done += perAppend) {
    const account = `acc-${Math.floor(Math.random() * accounts)}`;
    const n = Math.min(perAppend, count - done);
    appends.push(
      events.append(
        account,
        Array.from({ length: n }, () => Deposited({ account, amount: amount() })),
      ),
    );
  }
  appends.push(events.append('notes', [Noted({ note: 'handled by no projection' })]));
  const results = await Promise.all(appends);
  return results.reduce((max, r) => (r.position > max ? r.position : max), 0n);
}
