import { afterEach, expect } from 'vitest';
import {
  StaleCheckpointError,
  isValidationError,
  type DocumentProjection,
  type ProjectionFailure,
  type RecordedEvent,
} from '@janus/core';
import { rejection, show } from '../support.js';
import type { ProjectionStoreTarget, ProjectionStoreUnderTest } from './projectionStoreTarget.js';

/** Call inside a describe block: `open()` gives a fresh store, closed after each test. */
export function useProjectionStores<S extends ProjectionStoreUnderTest, Tx>(
  target: ProjectionStoreTarget<S, Tx>,
): () => Promise<S> {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return async () => {
    const opened = await target.create();
    closers.push(() => opened.close());
    return opened.store;
  };
}

export const DEPOSITED = 'conformance.Deposited.v1';
/** An event no projection of the suite handles: it only moves checkpoints. */
const NOTED = 'conformance.Noted.v1';

export interface Deposit {
  readonly account: string;
  readonly amount: number;
}

/**
 * A log of `count` events at positions `first`, `first + 1`, …: deposits on accounts acc-0 … acc-(accounts-1)
 * and, every fifth, a note. The suite hands these to the store as a runner would, no event store needed.
 */
export function log(count: number, options: { first?: bigint; accounts?: number } = {}): RecordedEvent[] {
  const first = options.first ?? 1n;
  const accounts = options.accounts ?? 4;
  const versions = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const position = first + BigInt(i);
    if (i % 5 === 4) return recorded(position, 'notes', NOTED, { note: `note ${i}` }, versions);
    const account = `acc-${i % accounts}`;
    return recorded(position, account, DEPOSITED, { account, amount: 1 + ((i * 7) % 13) }, versions);
  });
}

/** One deposit at `position` (its stream version is 1: the suite's projections do not look at it). */
export function deposit(position: bigint, account: string, amount: number): RecordedEvent {
  return recorded(position, account, DEPOSITED, { account, amount }, new Map());
}

function recorded(
  position: bigint,
  streamId: string,
  type: string,
  data: unknown,
  versions: Map<string, number>,
): RecordedEvent {
  const version = (versions.get(streamId) ?? 0) + 1;
  versions.set(streamId, version);
  return {
    id: `event-${position}`,
    type,
    data,
    metadata: {},
    streamId,
    version,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** The last position of a batch (the checkpoint it moves to). */
export function end(events: readonly RecordedEvent[]): bigint {
  const last = events.at(-1);
  if (!last) throw new Error('an empty batch has no end');
  return last.position;
}

/** One account's balance: indexed by parity (string), count (number) and large (boolean). */
export interface Balance {
  readonly account: string;
  readonly total: number;
  readonly count: number;
  readonly parity: 'even' | 'odd';
  readonly large: boolean;
}

export interface BalanceOptions {
  readonly name: string;
  readonly version?: number;
  /** Amounts are multiplied by it: a second version of the model shows which generation answers. */
  readonly factor?: number;
  /** An amount it refuses (throws on), to fail a batch half-way. */
  readonly poison?: number;
}

/** The balance after one more deposit; an amount of 0 closes the account (its document is deleted). */
export function addDeposit(doc: Balance | undefined, deposit: Deposit, factor = 1): Balance | null {
  if (deposit.amount === 0) return null;
  const count = (doc?.count ?? 0) + 1;
  const total = (doc?.total ?? 0) + deposit.amount * factor;
  return {
    account: deposit.account,
    total,
    count,
    parity: count % 2 === 0 ? 'even' : 'odd',
    large: total >= 20,
  };
}

/** Balances by account as documents (the shape a `projection(...)` declaration gives). */
export function balances(options: BalanceOptions): DocumentProjection<Balance> {
  return {
    kind: 'documents',
    name: options.name,
    version: options.version ?? 1,
    lifecycle: 'async',
    handles: [DEPOSITED],
    indexes: ['parity', 'count', 'large'],
    documentId: (event) => (event.data as Deposit).account,
    apply: (doc, event) => {
      const data = event.data as Deposit;
      if (data.amount === options.poison) throw new Error(`refusing amount ${options.poison}`);
      return addDeposit(doc, data, options.factor);
    },
  };
}

/** What `balances` holds after `events`, folded here: the model the store's documents must equal. */
export function expectedBalances(events: readonly RecordedEvent[], factor = 1): Map<string, Balance> {
  const folded = new Map<string, Balance>();
  for (const event of events) {
    if (event.type !== DEPOSITED) continue;
    const data = event.data as Deposit;
    const doc = addDeposit(folded.get(data.account), data, factor);
    if (doc === null) folded.delete(data.account);
    else folded.set(data.account, doc);
  }
  return folded;
}

/** The documents a store answers for `accounts`, read one by one through `get`. */
export async function storedBalances(
  store: ProjectionStoreUnderTest,
  name: string,
  accounts: Iterable<string>,
): Promise<Map<string, Balance>> {
  const reader = store.documents<Balance>(name);
  const found = new Map<string, Balance>();
  for (const account of accounts) {
    const doc = await reader.get(account);
    if (doc !== undefined) found.set(account, doc);
  }
  return found;
}

export const ACCOUNTS = ['acc-0', 'acc-1', 'acc-2', 'acc-3', 'acc-4', 'acc-5'];

/** The handler events of a batch: what a runner passes (it filters by `handles`). */
export const handled = (events: readonly RecordedEvent[]): RecordedEvent[] =>
  events.filter((e) => e.type === DEPOSITED);

export async function expectStale(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  if (!(error instanceof StaleCheckpointError))
    expect.fail(`expected a StaleCheckpointError, got ${show(error)}`);
}

export async function expectInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  if (!isValidationError(error)) expect.fail(`expected a ValidationError, got ${show(error)}`);
}

/** A failure record at `position` for `generation`, as a runner sets it. */
export function failure(generation: number, position: bigint): ProjectionFailure {
  return {
    generation,
    position,
    eventId: `event-${position}`,
    eventType: 'conformance.Deposited.v1',
    message: 'refusing amount -1',
    since: '2026-01-01T00:00:00.000Z',
    attempts: 3,
  };
}
