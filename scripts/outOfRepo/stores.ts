// Runs in a fresh project outside the repository, against the packed tarballs: one decider and one
// document projection, over the SQLite store and then over the PostgreSQL store (DATABASE_URL).
import { z } from 'zod';
import * as janus from '@janus/core';
import type { EventOf, EventStore, GlobalLog, MessageOf, ProjectionStore, ReadModels } from '@janus/core';
import { SqliteEventStore } from '@janus/sqlite';
import { PostgresEventStore } from '@janus/postgres';

const Deposit = janus.command(
  'demo.Deposit',
  z.object({ account: z.string(), cents: z.number().int().positive() }),
);
const Deposited = janus.event('demo.Deposited.v1', z.object({ account: z.string(), cents: z.number() }));

const account = janus.decider<{ cents: number }, MessageOf<typeof Deposit>, EventOf<typeof Deposited>>({
  initialState: () => ({ cents: 0 }),
  decide: (command) => [Deposited({ account: command.data.account, cents: command.data.cents })],
  evolve: (state, event) => ({ cents: state.cents + event.data.cents }),
});

type Balance = { account: string; cents: number };
const balances = janus.projection<Balance, [typeof Deposited]>({
  name: 'demo.balances',
  version: 1,
  handles: [Deposited],
  id: (event) => event.data.account,
  apply: (balance, event) => ({
    account: event.data.account,
    cents: (balance?.cents ?? 0) + event.data.cents,
  }),
});

async function deposits(
  label: string,
  events: EventStore & GlobalLog,
  readModels: ProjectionStore & ReadModels,
): Promise<void> {
  const commands = new janus.CommandBus().use(janus.validation());
  commands.register(Deposit, (c) => janus.handleCommand(events, account, `account-${c.data.account}`, c));
  const runner = new janus.ProjectionRunner({ log: events, store: readModels, projections: [balances] });
  await runner.start();
  await commands.send(Deposit({ account: 'a', cents: 100 }));
  const { position } = await commands.send(Deposit({ account: 'a', cents: 250 }));
  await runner.waitFor(position, { timeoutMs: 10_000 });
  const balance = await readModels.documents(balances).get('a');
  await runner.stop();
  process.stdout.write(`${label}: ${JSON.stringify(balance)} at ${position}\n`);
}

const databaseUrl = process.env['DATABASE_URL'];
const sqliteFile = process.env['SQLITE_FILE'];
if (databaseUrl === undefined || sqliteFile === undefined)
  throw new Error('set DATABASE_URL and SQLITE_FILE');

const sqlite = await SqliteEventStore.open(sqliteFile);
await deposits('sqlite', sqlite, sqlite.projections);
await sqlite.close();

const postgres = await PostgresEventStore.open(databaseUrl);
await deposits('postgres', postgres, postgres.projections);
await postgres.close();
