import { sql } from '@event-driven-io/dumbo';
import { postgreSQLProjection } from '@event-driven-io/emmett-postgresql';
import type { AccountEvent } from './depositDecider.js';

/**
 * The read model the catch-up workload builds: a balance per stream in a plain table of the same database.
 * `onProjected` hears how many events each call handled (the workload reports that count).
 */
export const balancesProjection = (onProjected: (count: number) => void) =>
  postgreSQLProjection<AccountEvent>({
    name: 'balances',
    canHandle: ['AccountOpened', 'Deposited'],
    init: async ({ context }) => {
      await context.execute.command(
        sql('CREATE TABLE IF NOT EXISTS balances (stream_id TEXT PRIMARY KEY, balance BIGINT NOT NULL)'),
      );
    },
    truncate: async ({ execute }) => {
      await execute.command(sql('TRUNCATE balances'));
    },
    handle: async (events, { execute }) => {
      for (const event of events) {
        const amount = event.type === 'Deposited' ? event.data.amount : 0;
        await execute.command(
          sql(
            'INSERT INTO balances (stream_id, balance) VALUES (%L, %s) ' +
              'ON CONFLICT (stream_id) DO UPDATE SET balance = balances.balance + excluded.balance',
            event.metadata.streamName,
            amount,
          ),
        );
      }
      onProjected(events.length);
    },
  });
