import { join } from 'node:path';
import { DeciderCommandHandler } from '@event-driven-io/emmett';
import {
  getSQLiteEventStore,
  SQLiteEventStoreDefaultStreamVersion,
  sqliteConnection,
} from '@event-driven-io/emmett-sqlite';
import { balancesProjection, balancesTableSQL } from './balancesProjection.js';
import { depositDecider, type AccountEvent, type Deposited } from './depositDecider.js';
import { oneAtATime } from './oneAtATime.js';

export const emmettSqliteVersion =
  '@event-driven-io/emmett 0.38.5 + @event-driven-io/emmett-sqlite 0.38.5 (sqlite3 5.1.7)';

// Emmett's consumers pull 100 events, then pause 50 ms, which alone caps catch-up at 2,000 events/s;
// a user catching up a projection would raise the batch and drop the pause, as the options allow.
const catchUpPulling = { batchSize: 1000, pullingFrequencyInMs: 0 };

// A new stream is asked for with the version of a stream that does not exist (0n): emmett-sqlite 0.38.5
// reads STREAM_DOES_NOT_EXIST as "no check" and would append to an existing stream.
const noStream = SQLiteEventStoreDefaultStreamVersion;

/**
 * Emmett on SQLite, used the way its documentation shows: one file in `place.dir`.
 *
 * The store takes one call at a time: on a file database emmett-sqlite 0.38.5 opens a connection per
 * call, shares it with any call that overlaps, and closes it under them (SQLITE_MISUSE). A whole command
 * is one call, because a rejected append still bumps the stream's version in 0.38.5, which would make
 * every retry of a conflicting deposit fail.
 */
export async function openEmmettSqlite(place: { readonly dir: string; readonly pgUrl: string }) {
  const fileName = join(place.dir, 'emmett.db');
  const eventStore = getSQLiteEventStore({ fileName });
  const serially = oneAtATime();
  const handleDeposit = DeciderCommandHandler({ ...depositDecider, retry: { onVersionConflict: 10 } });

  // Our own connection, for the read model's table and for finding where the log ends.
  const admin = sqliteConnection({ fileName });
  try {
    await assertFullSync(admin);
    await admin.command(balancesTableSQL);
  } catch (error) {
    admin.close();
    throw error;
  }
  const consumers: { close(): Promise<void> }[] = [];

  return {
    system: 'Emmett',
    store: 'sqlite' as const,
    version: emmettSqliteVersion,

    appendToNewStream(streamId: string, event: Deposited): Promise<void> {
      return serially(async () => {
        await eventStore.appendToStream(streamId, [event], { expectedStreamVersion: noStream });
      });
    },

    appendExpecting(streamId: string, event: Deposited, expectedVersion: number): Promise<void> {
      return serially(async () => {
        await eventStore.appendToStream(streamId, [event], {
          expectedStreamVersion: BigInt(expectedVersion),
        });
      });
    },

    appendMany(streamId: string, events: readonly Deposited[]): Promise<void> {
      return serially(async () => {
        await eventStore.appendToStream(streamId, [...events], { expectedStreamVersion: noStream });
      });
    },

    rehydrate(streamId: string): Promise<number> {
      return serially(async () => {
        const { state } = await eventStore.aggregateStream(streamId, {
          evolve: depositDecider.evolve,
          initialState: depositDecider.initialState,
        });
        return state.balance;
      });
    },

    openAccounts(count: number): Promise<void> {
      return serially(async () => {
        for (let i = 0; i < count; i++) {
          const opened: AccountEvent = { type: 'AccountOpened', data: {} };
          await eventStore.appendToStream(`account-${i}`, [opened], { expectedStreamVersion: noStream });
        }
      });
    },

    deposit(accountId: string, amount: number): Promise<void> {
      return serially(async () => {
        await handleDeposit(eventStore, accountId, { type: 'Deposit', data: { amount } });
      });
    },

    catchUp(): Promise<number> {
      return serially(async () => {
        const log = await admin.querySingle<{ last: number | null; count: number }>(
          'SELECT MAX(global_position) AS last, COUNT(*) AS count FROM emt_messages',
        );
        if (log?.last == null) return 0;
        const end = BigInt(log.last);
        // Each run is a rebuild: an empty read model and a processor (so a checkpoint) of its own.
        await admin.command('DELETE FROM balances');
        let processed = 0;
        const consumer = eventStore.consumer<AccountEvent>({ pulling: catchUpPulling });
        consumers.push(consumer);
        consumer.processor<AccountEvent>({
          processorId: `balances-${consumers.length}`,
          projection: balancesProjection((count) => (processed += count)),
          startFrom: 'BEGINNING',
          stopAfter: (event) => event.metadata.globalPosition >= end,
        });
        // Resolves once the processor has stopped after the last event (or failed).
        await consumer.start();
        if (processed !== log.count) {
          throw new Error(`Emmett's consumer stopped after ${processed} of ${log.count} events`);
        }
        return processed;
      });
    },

    async close(): Promise<void> {
      for (const consumer of consumers) await consumer.close();
      admin.close();
    },
  };
}

/** Fails unless the connections Emmett opens run with synchronous=FULL (2), as the other subjects do. */
async function assertFullSync(connection: ReturnType<typeof sqliteConnection>): Promise<void> {
  const row = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
  if (row?.synchronous !== 2) {
    throw new Error(`SQLite runs with synchronous=${row?.synchronous}, not FULL (2)`);
  }
}
