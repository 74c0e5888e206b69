// Janus as a user writes it: messages declared with a schema, a decider run by handleCommand, and an
// async document projection followed by a ProjectionRunner. Shared by Janus on SQLite and on PostgreSQL.
import {
  command,
  decider,
  event,
  fail,
  handleCommand,
  loadStream,
  projection,
  ProjectionRunner,
  type Closeable,
  type EventStore,
  type GlobalLog,
  type MessageOf,
  type ProjectionStore,
  type ReadModels,
} from '@janus/core';
import { z } from 'zod';
import type { BenchEvent, Subject } from '../subject.js';

export const Deposited = event('Deposited', z.object({ amount: z.number().int() }));
export const Deposit = command(
  'bench.Deposit',
  z.object({ accountId: z.string(), amount: z.number().int() }),
);

interface Account {
  readonly open: boolean;
  readonly balance: number;
}

/** An account exists once it has an event; every event is a deposit. */
export const account = decider<Account, MessageOf<typeof Deposit>, ReturnType<typeof Deposited>>({
  initialState: () => ({ open: false, balance: 0 }),
  decide: (deposit, state) =>
    state.open ? [Deposited({ amount: deposit.data.amount })] : fail('account-not-found'),
  evolve: (state, deposited) => ({ open: true, balance: state.balance + deposited.data.amount }),
});

/** The read model of catch-up: a balance per stream. */
export const balances = projection({
  name: 'bench.balances',
  version: 1,
  handles: [Deposited],
  id: (deposited) => deposited.streamId,
  apply: (doc: { balance: number } | undefined, deposited) => ({
    balance: (doc?.balance ?? 0) + deposited.data.amount,
  }),
});

type JanusStore = EventStore & GlobalLog & Closeable & { readonly projections: ProjectionStore & ReadModels };

export function janusSubject(store: JanusStore, kind: 'sqlite' | 'postgres', version: string): Subject {
  return {
    system: 'Janus',
    store: kind,
    version,
    async appendToNewStream(streamId: string, e: BenchEvent) {
      await store.append(streamId, [e], { expectedVersion: 'no_stream' });
    },
    async appendExpecting(streamId: string, e: BenchEvent, expectedVersion: number) {
      await store.append(streamId, [e], { expectedVersion });
    },
    async appendMany(streamId: string, events: readonly BenchEvent[]) {
      await store.append(streamId, events, { expectedVersion: 'no_stream' });
    },
    async rehydrate(streamId: string) {
      return (await loadStream(store, account, streamId)).state.balance;
    },
    async deposit(accountId: string, amount: number) {
      await handleCommand(store, account, accountId, Deposit({ accountId, amount }));
    },
    async openAccounts(count: number) {
      await store.appendMany(
        Array.from({ length: count }, (_, i) => ({
          streamId: `account-${i}`,
          events: [Deposited({ amount: 100 })],
          expectedVersion: 'no_stream' as const,
        })),
      );
    },
    async catchUp() {
      // Batches of 1,000 events, as the raw drivers' and Emmett's catch-up read them (the default is 500).
      const runner = new ProjectionRunner({
        log: store,
        store: store.projections,
        projections: [balances],
        batchSize: 1000,
      });
      const head = await store.head();
      await runner.start();
      try {
        await runner.waitFor(head, { timeoutMs: 30 * 60_000 });
      } finally {
        await runner.stop();
      }
      // One writer at a time and no failed appends: positions run 1 … head without a gap.
      return Number(head);
    },
    close: () => store.close(),
  };
}
