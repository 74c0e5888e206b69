import {
  toSend,
  CommandBus,
  ProjectionRunner,
  command,
  decider,
  event,
  handleCommand,
  workflow,
  type EventOf,
  type MessageOf,
  type RecordedEvent,
  type StandardSchemaV1,
} from '@janus/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PostgresEventStore } from './postgresEventStore.js';
import { PostgresProjectionStore } from './postgresProjectionStore.js';
import { randomInt, sleep } from './testing/childProcess.js';
import { intercepted, never, type Hooks } from './testing/interceptedStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// A workflow on PostgreSQL: OrderPlaced(lines) → one Reserve per line → Reserved; the last Reserved →
// ConfirmOrder → OrderConfirmed (which the workflow does not handle). Its commands go out before its
// state and checkpoint commit; stopped, or lost between the two, it replays the event and sends the same
// commands with the same ids, which the deciders' idempotent appends take once.

const trusted = <T>(): StandardSchemaV1<T> => ({
  '~standard': { version: 1, vendor: 'janus-test', validate: (value) => ({ value: value as T }) },
});

const OrderPlaced = event('test.OrderPlaced.v1', trusted<{ orderId: string; lines: number }>());
const Reserved = event('test.Reserved.v1', trusted<{ orderId: string; line: number }>());
const OrderConfirmed = event('test.OrderConfirmed.v1', trusted<{ orderId: string }>());
const Reserve = command('test.Reserve', trusted<{ orderId: string; line: number }>());
const ConfirmOrder = command('test.ConfirmOrder', trusted<{ orderId: string }>());

/** Reserves whatever it is asked to: that each line is reserved once is the workflow's doing alone. */
const stock = decider<number, MessageOf<typeof Reserve>, EventOf<typeof Reserved>>({
  initialState: () => 0,
  decide: (c) => [Reserved(c.data)],
  evolve: (n) => n + 1,
});

/** Confirms whenever asked: a second ConfirmOrder would append a second OrderConfirmed. */
const orders = decider<number, MessageOf<typeof ConfirmOrder>, EventOf<typeof OrderConfirmed>>({
  initialState: () => 0,
  decide: (c) => [OrderConfirmed(c.data)],
  evolve: (n) => n + 1,
});

interface Fulfilment {
  readonly lines: number;
  readonly reserved: number;
  readonly confirmRequested: boolean;
}

const fulfilment = workflow({
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

const ORDERS = 120;
const ROUNDS = 8;

let database: TestDatabase;

describe.skipIf(skipPostgres)('a workflow on PostgreSQL', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_pg_workflow');
  });
  afterAll(async () => {
    await database.drop();
  });

  test('stopped, or lost after sending its commands, again and again: each command takes effect once', async () => {
    const events = await PostgresEventStore.open(database.url, { poolSize: 4 });
    // Counts each command id sent: a replayed event sends its commands a second time.
    const sent = new Map<string, number>();
    const commands = new CommandBus()
      .use(async (dispatch, next) => {
        const id = dispatch.message.metadata.messageId;
        sent.set(id, (sent.get(id) ?? 0) + 1);
        return next();
      })
      .register(Reserve, (c) => handleCommand(events, stock, `stock-${c.data.orderId}`, c))
      .register(ConfirmOrder, (c) => handleCommand(events, orders, `order-${c.data.orderId}`, c));
    const lines = new Map<string, number>();
    const place = async (from: number, to: number) => {
      const placed: Promise<unknown>[] = [];
      for (let i = from; i < to; i++) {
        const orderId = `o${i}`;
        const n = randomInt(1, 4);
        lines.set(orderId, n);
        placed.push(
          events.append(`order-${orderId}`, [OrderPlaced({ orderId, lines: n })], {
            expectedVersion: 'no_stream',
          }),
        );
      }
      await Promise.all(placed);
    };

    const stores: PostgresProjectionStore[] = [];
    try {
      await place(0, 40);
      let placedCount = 40;
      const writer = (async () => {
        while (placedCount < ORDERS) {
          const next = Math.min(placedCount + 4, ORDERS);
          await place(placedCount, next);
          placedCount = next;
          await sleep(randomInt(20, 60));
        }
      })();

      let lost = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const store = await PostgresProjectionStore.open(database.url, { poolSize: 2 });
        stores.push(store);
        // Odd rounds: the runner dies right after sending an event's commands, before its state and
        // checkpoint commit (workflows commit event by event); from then on it does nothing more.
        const dies = round % 2 === 1;
        const dead = { value: false };
        const isDead = () => dead.value;
        let batches = 0;
        const lastBatch = randomInt(1, 25);
        const hooks: Hooks = {
          around: async (call) => (isDead() ? never() : call()),
          beforeBatch: async (_p, _generation, batch) => {
            // Its commands were sent when it gets here: an OrderPlaced sends at least one.
            if (dies && ++batches >= lastBatch && batch.some((e) => OrderPlaced.is(e))) {
              dead.value = true;
              await never();
            }
          },
        };
        const runner = new ProjectionRunner({
          log: events,
          store: intercepted(store, hooks),
          projections: [],
          workflows: [fulfilment],
          commands,
          batchSize: randomInt(5, 30),
          pollIntervalMs: 20,
          retry: { initialDelayMs: 10, maxDelayMs: 50 },
        });
        await runner.start();
        if (dies) {
          const deadline = Date.now() + 5_000;
          while (!isDead() && Date.now() < deadline) await sleep(5);
          if (isDead()) lost++;
        } else {
          await sleep(randomInt(30, 250));
          await runner.stop();
        }
      }
      await writer;
      expect(lost).toBeGreaterThan(0);

      // A last runner finishes: its own commands append events it then handles, so it is done when
      // the head stays where its checkpoint is.
      const store = await PostgresProjectionStore.open(database.url, { poolSize: 2 });
      stores.push(store);
      const runner = new ProjectionRunner({
        log: events,
        store,
        projections: [],
        workflows: [fulfilment],
        commands,
        pollIntervalMs: 20,
      });
      await runner.start();
      let head = -1n;
      while (head !== (await events.head())) {
        head = await events.head();
        await runner.waitFor(head, { timeoutMs: 20_000 });
        await sleep(100);
      }
      await runner.stop();

      // Past the OrderConfirmed events it does not handle, too: its checkpoint is the head.
      expect(await store.record(fulfilment.name)).toMatchObject({ position: head, failure: null });
      const states = store.documents<Fulfilment>(fulfilment.state);
      for (const [orderId, n] of lines) {
        const [placed, ...rest] = await events.readStream(`order-${orderId}`);
        // Exactly one confirmation per order.
        expect(rest.map((e) => e.type)).toEqual([OrderConfirmed.type]);
        // Exactly one reservation per line, with ids derived from the command that caused it.
        const reservations = (await events.readStream(`stock-${orderId}`)) as RecordedEvent<
          EventOf<typeof Reserved>
        >[];
        expect(reservations.map((e) => e.data.line).sort()).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(reservations.map((e) => e.id).sort()).toEqual(
          Array.from({ length: n }, (_, i) => `${fulfilment.name}:${placed?.id}:${i}:0`).sort(),
        );
        expect(await states.get(orderId)).toEqual({ lines: n, reserved: n, confirmRequested: true });
      }
      const all = await events.readAll();
      expect(all.filter((e) => Reserved.is(e))).toHaveLength([...lines.values()].reduce((x, y) => x + y, 0));
      expect(all.filter((e) => OrderConfirmed.is(e))).toHaveLength(ORDERS);
      // Some commands were sent twice (replays after a loss), and took effect once all the same.
      expect([...sent.values()].some((n) => n > 1)).toBe(true);
    } finally {
      for (const store of stores) await store.close();
      await events.close();
    }
  });
});
