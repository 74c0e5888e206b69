// Shared by the bank's tests: event and command builders with explicit times, and a whole bank in memory.
import {
  isConcurrencyError,
  type EventStore,
  CommandBus,
  InMemoryEventStore,
  InMemoryProjectionStore,
  ProjectionRunner,
  QueryBus,
  validation,
} from '@janus/core';
import { money } from '@janus/money';
import { accountDecider } from '../accounts/account.js';
import { accountSnapshots } from '../accounts/accountSnapshots.js';
import {
  AccountClosed,
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  TransferReceived,
  TransferSent,
} from '../accounts/accountEvents.js';
import type { AccountType } from '../accounts/fields.js';
import { bankProjections, registerBankCommands, registerBankQueries } from '../bank.js';
import { defaultFraudLimits, type FraudLimits } from '../fraud/fraudLimits.js';

/** Monday 2 November 2026, 09:00 UTC: the tests' "now". */
export const T0 = '2026-11-02T09:00:00.000Z';

/** `seconds` after `base`, ISO. */
export const after = (seconds: number, base: string = T0): string =>
  new Date(Date.parse(base) + seconds * 1000).toISOString();

/** A balance written as a decimal ("1300.00"), in cents: unlike an amount, not bounded. */
export function balance(text: string): bigint {
  const [units = '', fraction = ''] = text.split('.');
  if (!/^-?[0-9]+$/.test(units) || !/^[0-9]{0,2}$/.test(fraction))
    throw new RangeError(`invalid balance '${text}'`);
  const sign = units.startsWith('-') ? -1n : 1n;
  return BigInt(units) * 100n + sign * BigInt(fraction.padEnd(2, '0'));
}

/** Command metadata with a fixed time. */
export const at = (timestamp: string) => ({ timestamp });

export const limits = defaultFraudLimits;
export const account = accountDecider(limits);

export function opened(
  accountId = 'acc-1',
  options: { customerId?: string; type?: AccountType; currency?: string; at?: string } = {},
) {
  return AccountOpened({
    accountId,
    customerId: options.customerId ?? 'alice',
    type: options.type ?? 'checking',
    currency: options.currency ?? 'USD',
    at: options.at ?? T0,
  });
}

/** An account opened with an initial deposit: its two events. */
export const openedWith = (accountId: string, initial: string, when: string = T0) => [
  opened(accountId, { at: when }),
  OpeningDepositMade({
    accountId,
    transactionId: `${accountId}-open`,
    amount: money(initial),
    balanceAfter: money(initial),
    at: when,
  }),
];

export const deposited = (
  accountId: string,
  amount: string,
  balanceAfter: string,
  when: string = T0,
  id = 'tx-d',
) =>
  MoneyDeposited({
    accountId,
    transactionId: id,
    amount: money(amount),
    balanceAfter: balance(balanceAfter),
    description: null,
    at: when,
  });

export const withdrawn = (
  accountId: string,
  amount: string,
  balanceAfter: string,
  when: string = T0,
  id = 'tx-w',
) =>
  MoneyWithdrawn({
    accountId,
    transactionId: id,
    amount: money(amount),
    balanceAfter: balance(balanceAfter),
    description: null,
    at: when,
  });

export const sent = (
  accountId: string,
  to: string,
  amount: string,
  balanceAfter: string,
  when: string = T0,
) =>
  TransferSent({
    accountId,
    transactionId: 'tr-1:out',
    amount: money(amount),
    balanceAfter: balance(balanceAfter),
    description: null,
    at: when,
    transferId: 'tr-1',
    counterpartyAccountId: to,
  });

export const received = (
  accountId: string,
  from: string,
  amount: string,
  balanceAfter: string,
  when: string = T0,
) =>
  TransferReceived({
    accountId,
    transactionId: 'tr-1:in',
    amount: money(amount),
    balanceAfter: balance(balanceAfter),
    description: null,
    at: when,
    transferId: 'tr-1',
    counterpartyAccountId: from,
  });

export const closed = (accountId = 'acc-1', when: string = T0) => AccountClosed({ accountId, at: when });

/**
 * The whole bank in memory: event store, projection runner over the bank's read models, and command and
 * query buses with validation, as the HTTP wiring will assemble them.
 */
export async function bankInMemory(fraud: FraudLimits = defaultFraudLimits) {
  const store = new InMemoryEventStore();
  const readModels = new InMemoryProjectionStore();
  const runner = new ProjectionRunner({
    log: store,
    store: readModels,
    projections: bankProjections,
    pollIntervalMs: 20,
  });
  await runner.start();
  const commands = registerBankCommands(new CommandBus().use(validation()), {
    store,
    fraud,
    retry: { attempts: 20, baseDelayMs: 1 },
    // Snapshots every few events, so that the tests decide on snapshot-plus-tail states as often as on folds.
    snapshots: accountSnapshots(store, fraud, 3),
  });
  const queries = registerBankQueries(new QueryBus().use(validation()), { store, readModels });
  return {
    store,
    readModels,
    runner,
    commands,
    queries,
    /** Waits until every read model reached `position`. */
    caughtUp: (position: bigint) => runner.waitFor(position, { timeoutMs: 5000 }),
    stop: () => runner.stop(),
  };
}

/** An event store that counts the appends refused by optimistic concurrency: proof that a race happened. */
export function countingConflicts(store: EventStore): EventStore & { readonly conflicts: () => number } {
  let conflicts = 0;
  const count = (error: unknown): never => {
    if (isConcurrencyError(error)) conflicts += 1;
    throw error;
  };
  return {
    append: (streamId, events, options) => store.append(streamId, events, options).catch(count),
    appendMany: (appends) => store.appendMany(appends).catch(count),
    readStream: (streamId, options) => store.readStream(streamId, options),
    streamVersion: (streamId) => store.streamVersion(streamId),
    conflicts: () => conflicts,
  };
}
