import { projection, type ReadEventMetadataWithGlobalPosition } from '@event-driven-io/emmett';
import type { SQLiteConnection } from '@event-driven-io/emmett-sqlite';
import type { AccountEvent } from './depositDecider.js';

export const balancesTableSQL =
  'CREATE TABLE IF NOT EXISTS balances (stream_id TEXT PRIMARY KEY, balance INTEGER NOT NULL)';

/**
 * The read model the catch-up workload builds: a balance per stream in a plain table of the same database.
 * `onProjected` hears how many events each call handled (the workload reports that count).
 */
export const balancesProjection = (onProjected: (count: number) => void) =>
  projection<AccountEvent, ReadEventMetadataWithGlobalPosition, { connection: SQLiteConnection }>({
    name: 'balances',
    canHandle: ['AccountOpened', 'Deposited'],
    handle: async (events, { connection }) => {
      for (const event of events) {
        const amount = event.type === 'Deposited' ? event.data.amount : 0;
        await connection.command(
          'INSERT INTO balances (stream_id, balance) VALUES (?, ?) ' +
            'ON CONFLICT (stream_id) DO UPDATE SET balance = balance + excluded.balance',
          [event.metadata.streamName, amount],
        );
      }
      onProjected(events.length);
    },
  });
