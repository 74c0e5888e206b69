import { dumbo, single, sql } from '@event-driven-io/dumbo';
import { DeciderCommandHandler } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  PostgreSQLEventStoreDefaultStreamVersion,
} from '@event-driven-io/emmett-postgresql';
import { balancesProjection } from './balancesProjection.js';
import { depositDecider, type AccountEvent, type Deposited } from './depositDecider.js';

export const emmettPostgresVersion =
  '@event-driven-io/emmett 0.42.0 + @event-driven-io/emmett-postgresql 0.42.0 (pg 8.23)';

// Emmett's consumers pull 100 events, then pause 50 ms, which alone caps catch-up at 2,000 events/s;
// a user catching up a projection would raise the batch and drop the pause, as the options allow.
const catchUpPulling = { batchSize: 1000, pullingFrequencyInMs: 0 };

// A new stream is asked for with the version of a stream that does not exist (0n): emmett-postgresql
// 0.42.0 reads STREAM_DOES_NOT_EXIST as "no check" and would append to an existing stream.
const noStream = PostgreSQLEventStoreDefaultStreamVersion;

/** Emmett on PostgreSQL, used the way its documentation shows, on the fresh database `place.pgUrl`. */
export async function openEmmettPostgres(place: { readonly dir: string; readonly pgUrl: string }) {
  // Our own pool, for checking durability and finding where the log ends.
  const admin = dumbo({ connectionString: place.pgUrl });
  const eventStore = getPostgreSQLEventStore(place.pgUrl);
  try {
    await assertSynchronousCommit(admin);
    await eventStore.schema.migrate();
  } catch (error) {
    await Promise.all([eventStore.close(), admin.close()]);
    throw error;
  }
  const handleDeposit = DeciderCommandHandler({ ...depositDecider, retry: { onVersionConflict: 10 } });
  const consumers: { stop(): Promise<void> }[] = [];

  return {
    system: 'Emmett',
    store: 'postgres' as const,
    version: emmettPostgresVersion,

    async appendToNewStream(streamId: string, event: Deposited): Promise<void> {
      await eventStore.appendToStream(streamId, [event], { expectedStreamVersion: noStream });
    },

    async appendExpecting(streamId: string, event: Deposited, expectedVersion: number): Promise<void> {
      await eventStore.appendToStream(streamId, [event], { expectedStreamVersion: BigInt(expectedVersion) });
    },

    async appendMany(streamId: string, events: readonly Deposited[]): Promise<void> {
      await eventStore.appendToStream(streamId, [...events], { expectedStreamVersion: noStream });
    },

    async rehydrate(streamId: string): Promise<number> {
      const { state } = await eventStore.aggregateStream(streamId, {
        evolve: depositDecider.evolve,
        initialState: depositDecider.initialState,
      });
      return state.balance;
    },

    async openAccounts(count: number): Promise<void> {
      for (let i = 0; i < count; i++) {
        const opened: AccountEvent = { type: 'AccountOpened', data: {} };
        await eventStore.appendToStream(`account-${i}`, [opened], { expectedStreamVersion: noStream });
      }
    },

    async deposit(accountId: string, amount: number): Promise<void> {
      await handleDeposit(eventStore, accountId, { type: 'Deposit', data: { amount } });
    },

    async catchUp(): Promise<number> {
      const { count: present } = await single(
        admin.execute.query<{ count: number }>(sql('SELECT COUNT(*)::int AS count FROM emt_messages')),
      );
      if (present === 0) return 0;
      await untilVisibleToConsumers(admin, present);
      let processed = 0;
      // Each run is a rebuild: a processor (so a checkpoint) of its own that truncates the read model,
      // run until no events are left, as Emmett's rebuildPostgreSQLProjections runs one.
      const consumer = eventStore.consumer<AccountEvent>({
        pulling: catchUpPulling,
        stopWhen: { noMessagesLeft: true },
      });
      consumers.push(consumer);
      consumer.projector<AccountEvent>({
        processorId: `balances-${consumers.length}`,
        projection: balancesProjection((handled) => (processed += handled)),
        truncateOnStart: true,
        startFrom: 'BEGINNING',
      });
      await consumer.start();
      if (processed !== present) {
        throw new Error(`Emmett's consumer stopped after ${processed} of ${present} events`);
      }
      return processed;
    },

    async close(): Promise<void> {
      // The consumers share the store's pool (their close() would end it), so they are only stopped.
      for (const consumer of consumers) await consumer.stop();
      await eventStore.close();
      await admin.close();
    },
  };
}

/**
 * Waits until Emmett's consumers can see all `count` events: they read only events of transactions older
 * than every transaction still running on the server (in any database), so a transaction someone else
 * keeps open hides newer events, and a consumer told to stop when no events are left would stop early.
 */
async function untilVisibleToConsumers(pool: ReturnType<typeof dumbo>, count: number): Promise<void> {
  const visible = sql(
    'SELECT COUNT(*)::int AS count FROM emt_messages WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())',
  );
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    const row = await single(pool.execute.query<{ count: number }>(visible));
    if (row.count >= count) return;
    if (Date.now() > giveUpAt) {
      throw new Error(`Only ${row.count} of ${count} events became visible to Emmett's consumers in 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Fails if commits would return before they are flushed to disk, unlike the other subjects'. */
async function assertSynchronousCommit(pool: ReturnType<typeof dumbo>): Promise<void> {
  const { synchronous_commit } = await single(
    pool.execute.query<{ synchronous_commit: string }>(sql('SHOW synchronous_commit')),
  );
  if (synchronous_commit === 'off') throw new Error('PostgreSQL runs with synchronous_commit=off');
}
