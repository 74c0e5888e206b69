// Projections, workflows and commands shared by the integration tests and the child processes they kill
// (src/testing/*Worker.ts, run from dist/). Both sides must fold events the very same way.
import {
  toSend,
  command,
  decider,
  event,
  projection,
  sqlProjection,
  workflow,
  type EventOf,
  type MessageOf,
  type RecordedEvent,
  type StandardSchemaV1,
} from '@janus/core';
import type { SqliteEventStore } from '../sqliteEventStore.js';
import type { SqliteTx } from '../sqliteTx.js';

/** A schema that accepts what it is given: these fixtures need the types, not validation. */
export const trusted = <T>(): StandardSchemaV1<T> => ({
  '~standard': { version: 1, vendor: 'janus-test', validate: (value) => ({ value: value as T }) },
});

export const Deposited = event('test.Deposited.v1', trusted<{ account: string; amount: number }>());
/** An event no projection handles: it must only move checkpoints. */
export const Noted = event('test.Noted.v1', trusted<{ note: string }>());

/**
 * One account's balance, with counters that reveal an event applied twice or skipped: deposits on an
 * account are appended to its own stream, so their stream versions are 1, 2, 3, … and a document that
 * ever sees a version other than `lastVersion + 1` counts an anomaly.
 */
export interface Balance {
  readonly account: string;
  readonly balance: number;
  readonly deposits: number;
  readonly lastVersion: number;
  readonly anomalies: number;
  /** An indexed field: 'even' or 'odd' number of deposits. */
  readonly parity: 'even' | 'odd';
}

export function addDeposit(doc: Balance | undefined, e: RecordedEvent<EventOf<typeof Deposited>>): Balance {
  const lastVersion = doc?.lastVersion ?? 0;
  const deposits = (doc?.deposits ?? 0) + 1;
  return {
    account: e.data.account,
    balance: (doc?.balance ?? 0) + e.data.amount,
    deposits,
    lastVersion: e.version,
    anomalies: (doc?.anomalies ?? 0) + (e.version === lastVersion + 1 ? 0 : 1),
    parity: deposits % 2 === 0 ? 'even' : 'odd',
  };
}

/** Balances by account, as documents. `poison`: an amount it refuses (throws on). */
export const balanceDocuments = (
  options: { name?: string; version?: number; lifecycle?: 'inline' | 'async'; poison?: number } = {},
) =>
  projection({
    name: options.name ?? 'test.balances',
    version: options.version ?? 1,
    lifecycle: options.lifecycle ?? 'async',
    handles: [Deposited],
    id: (e) => e.data.account,
    indexes: ['parity'],
    apply: (doc: Balance | undefined, e) => {
      if (e.data.amount === options.poison) throw new Error(`refusing amount ${options.poison}`);
      return addDeposit(doc, e);
    },
  });

/** The same balances in tables of their own: one row per account, and one running total. */
export const balanceTables = (
  options: { name?: string; version?: number; lifecycle?: 'inline' | 'async'; poison?: number } = {},
) =>
  sqlProjection({
    name: options.name ?? 'test.balance-tables',
    version: options.version ?? 1,
    lifecycle: options.lifecycle ?? 'async',
    handles: [Deposited],
    tables: ['balances', 'totals'],
    setup: (tx: SqliteTx) => {
      tx.exec(`CREATE TABLE ${tx.table('balances')} (
        account      TEXT    NOT NULL PRIMARY KEY,
        balance      INTEGER NOT NULL,
        deposits     INTEGER NOT NULL,
        last_version INTEGER NOT NULL,
        anomalies    INTEGER NOT NULL
      ) WITHOUT ROWID`);
      tx.exec(`CREATE TABLE ${tx.table('totals')} (id INTEGER PRIMARY KEY, events INTEGER NOT NULL)`);
      tx.run(`INSERT INTO ${tx.table('totals')} (id, events) VALUES (1, 0)`);
    },
    apply: (e, tx: SqliteTx) => {
      if (e.data.amount === options.poison) throw new Error(`refusing amount ${options.poison}`);
      tx.run(
        `INSERT INTO ${tx.table('balances')} (account, balance, deposits, last_version, anomalies)
         VALUES (?, ?, 1, ?, CASE WHEN ? = 1 THEN 0 ELSE 1 END)
         ON CONFLICT (account) DO UPDATE SET
           balance = balance + excluded.balance,
           deposits = deposits + 1,
           anomalies = anomalies + CASE WHEN last_version + 1 = excluded.last_version THEN 0 ELSE 1 END,
           last_version = excluded.last_version`,
        e.data.account,
        e.data.amount,
        e.version,
        e.version,
      );
      tx.run(`UPDATE ${tx.table('totals')} SET events = events + 1 WHERE id = 1`);
    },
  });

/** A row of `balanceTables`, as SQLite answers it (integers as bigint). */
export interface BalanceRow {
  readonly account: string;
  readonly balance: bigint;
  readonly deposits: bigint;
  readonly last_version: bigint;
  readonly anomalies: bigint;
}

/** What a correct read model holds: the log folded in the test, with the same `addDeposit`. */
export function foldBalances(events: readonly RecordedEvent[]): Map<string, Balance> {
  const balances = new Map<string, Balance>();
  for (const e of events) {
    if (!Deposited.is(e)) continue;
    const deposit = e as RecordedEvent<EventOf<typeof Deposited>>;
    balances.set(deposit.data.account, addDeposit(balances.get(deposit.data.account), deposit));
  }
  return balances;
}

/** Both balance read models, as their queries answer them: comparable with `expectedBalances`. */
export interface Balances {
  /** Every document, by account. */
  readonly documents: readonly Balance[];
  /** Every row of the balances table, by account. */
  readonly rows: readonly BalanceRow[];
  /** The running total of deposits the SQL projection counted. */
  readonly counted: bigint;
}

const byAccount = (a: { account: string }, b: { account: string }) =>
  a.account < b.account ? -1 : a.account > b.account ? 1 : 0;

/** Reads the active generations through the public query API (`find` over the indexed parity gets them all). */
export async function readBalances(
  store: SqliteEventStore,
  documents: string,
  tables: string,
): Promise<Balances> {
  const reader = store.projections.documents<Balance>(documents);
  const all = [...(await reader.find('parity', 'even')), ...(await reader.find('parity', 'odd'))];
  const tx = store.projections.sql(tables);
  const rows = tx.all(`SELECT * FROM ${tx.table('balances')} ORDER BY account`) as unknown as BalanceRow[];
  const total = tx.get(`SELECT events FROM ${tx.table('totals')}`)?.events;
  return { documents: all.sort(byAccount), rows, counted: typeof total === 'bigint' ? total : -1n };
}

/** The read models a correct run gives for a log (or a prefix of it). */
export function expectedBalances(events: readonly RecordedEvent[]): Balances {
  const documents = [...foldBalances(events).values()].sort(byAccount);
  return {
    documents,
    rows: documents.map((b) => ({
      account: b.account,
      balance: BigInt(b.balance),
      deposits: BigInt(b.deposits),
      last_version: BigInt(b.lastVersion),
      anomalies: BigInt(b.anomalies),
    })),
    counted: BigInt(events.filter((e) => Deposited.is(e)).length),
  };
}

// --- An order-fulfilment workflow: OrderPlaced(lines) → one Reserve per line → Reserved; the last
// Reserved → ConfirmOrder → OrderConfirmed (an event the workflow does not handle).

export const OrderPlaced = event('test.OrderPlaced.v1', trusted<{ orderId: string; lines: number }>());
export const Reserved = event('test.Reserved.v1', trusted<{ orderId: string; line: number }>());
export const OrderConfirmed = event('test.OrderConfirmed.v1', trusted<{ orderId: string }>());
export const Reserve = command('test.Reserve', trusted<{ orderId: string; line: number }>());
export const ConfirmOrder = command('test.ConfirmOrder', trusted<{ orderId: string }>());

/** Reserves whatever it is asked to: that each line is reserved once is the workflow's doing alone. */
export const stock = decider<number, MessageOf<typeof Reserve>, EventOf<typeof Reserved>>({
  initialState: () => 0,
  decide: (c) => [Reserved(c.data)],
  evolve: (n) => n + 1,
});

/** Confirms whenever asked: a second ConfirmOrder would append a second OrderConfirmed. */
export const orders = decider<number, MessageOf<typeof ConfirmOrder>, EventOf<typeof OrderConfirmed>>({
  initialState: () => 0,
  decide: (c) => [OrderConfirmed(c.data)],
  evolve: (n) => n + 1,
});

export interface Fulfilment {
  readonly lines: number;
  readonly reserved: number;
  readonly confirmRequested: boolean;
}

export const fulfilment = workflow({
  name: 'test.fulfilment',
  version: 1,
  handles: [OrderPlaced, Reserved],
  sends: [Reserve, ConfirmOrder],
  route: (e) => e.data.orderId,
  initialState: (): Fulfilment => ({ lines: 0, reserved: 0, confirmRequested: false }),
  decide: (e, state) => {
    if (e.type === 'test.OrderPlaced.v1') {
      return Array.from({ length: e.data.lines }, (_, line) =>
        toSend(Reserve, { orderId: e.data.orderId, line }),
      );
    }
    return state.reserved + 1 === state.lines ? [toSend(ConfirmOrder, { orderId: e.data.orderId })] : [];
  },
  evolve: (state, e) =>
    e.type === 'test.OrderPlaced.v1'
      ? { ...state, lines: e.data.lines }
      : {
          ...state,
          reserved: state.reserved + 1,
          confirmRequested: state.confirmRequested || state.reserved + 1 === state.lines,
        },
});
