import { expect, test } from 'vitest';
import { z } from 'zod';
import { handleCommand } from '../commandHandler.js';
import { decider } from '../decider.js';
import { InMemoryEventStore } from '../inMemoryEventStore.js';
import { command, event, type EventOf, type MessageOf } from '../message.js';
import { CommandBus, QueryBus } from '../messageBus.js';
import { foldStream } from './foldStream.js';
import { InMemoryProjectionStore } from './inMemoryProjectionStore.js';
import { ProjectionRunner } from './projectionRunner.js';
import { readYourWrites } from './readYourWrites.js';
import { projection } from './projection.js';
import { query, returns } from '../message.js';
import { toSend, workflow } from './workflow.js';

const OrderPlaced = event('test.OrderPlaced.v1', z.object({ orderId: z.string(), lines: z.number() }));
const Reserve = command('test.Reserve', z.object({ orderId: z.string(), line: z.number() }));
const Reserved = event('test.Reserved.v1', z.object({ orderId: z.string(), line: z.number() }));
type ReserveCommand = MessageOf<typeof Reserve>;

const reservations = decider<number, ReserveCommand, EventOf<typeof Reserved>>({
  initialState: () => 0,
  decide: (c) => [Reserved(c.data)],
  evolve: (n) => n + 1,
});

const fulfilment = workflow({
  name: 'test.fulfilment',
  version: 1,
  handles: [OrderPlaced, Reserved],
  sends: [Reserve],
  route: (e) => e.data.orderId,
  initialState: () => ({ reserved: 0, lines: 0 }),
  decide: (e) =>
    e.type === 'test.OrderPlaced.v1'
      ? Array.from({ length: e.data.lines }, (_, line) => toSend(Reserve, { orderId: e.data.orderId, line }))
      : [],
  evolve: (s, e) =>
    e.type === 'test.OrderPlaced.v1' ? { ...s, lines: e.data.lines } : { ...s, reserved: s.reserved + 1 },
});

test('a workflow sends its commands with deterministic ids and keeps its state', async () => {
  const events = new InMemoryEventStore();
  const store = new InMemoryProjectionStore();
  const commands = new CommandBus().register(Reserve, (c) =>
    handleCommand(events, reservations, `stock-${c.data.orderId}`, c),
  );
  const runner = new ProjectionRunner({
    log: events,
    store,
    projections: [],
    workflows: [fulfilment],
    commands,
    pollIntervalMs: 20,
  });
  await events.append('order-1', [OrderPlaced({ orderId: '1', lines: 3 })]);
  await runner.start();
  await runner.waitFor(4n, { timeoutMs: 2000 });
  await runner.waitFor(await events.head(), { timeoutMs: 2000 });
  await runner.stop();
  const placed = (await events.readStream('order-1'))[0]!;
  const stock = await events.readStream('stock-1');
  expect(stock.map((e) => e.id)).toEqual([0, 1, 2].map((i) => `test.fulfilment:${placed.id}:${i}:0`));
  expect(await store.documents(fulfilment.state).get('1')).toEqual({ reserved: 3, lines: 3 });

  // Sending the same commands again (a replay after a crash) appends nothing new.
  for (let line = 0; line < 3; line++) {
    await commands.send({
      type: Reserve.type,
      data: { orderId: '1', line },
      metadata: { messageId: `test.fulfilment:${placed.id}:${line}` },
    });
  }
  expect(await events.streamVersion('stock-1')).toBe(3);
});

test('a workflow sends only the commands it declares, each with its own data: anything else does not compile', () => {
  const Cancel = command('test.Cancel', z.object({ orderId: z.string() }));
  const base = {
    name: 'test.typed',
    version: 1,
    handles: [OrderPlaced],
    sends: [Reserve],
    route: (e: { data: { orderId: string } }) => e.data.orderId,
    initialState: () => 0,
    evolve: (n: number) => n + 1,
  } as const;
  const typed = workflow({ ...base, decide: (e) => [toSend(Reserve, { orderId: e.data.orderId, line: 0 })] });
  // @ts-expect-error -- Reserve's line is a number
  workflow({ ...base, decide: (e) => [toSend(Reserve, { orderId: e.data.orderId, line: 'first' })] });
  // @ts-expect-error -- Cancel is not among the commands the workflow sends
  workflow({ ...base, decide: (e) => [toSend(Cancel, { orderId: e.data.orderId })] });
  // @ts-expect-error -- built by hand, the data is still checked against Reserve's
  workflow({ ...base, decide: () => [{ type: Reserve.type, data: { orderId: 1, line: 0 } }] });

  // The definition's fields stay on the workflow, for specifications to call.
  const placed = { type: OrderPlaced.type, data: { orderId: 'o', lines: 1 } } as const;
  const recorded = {
    ...placed,
    id: 'e',
    streamId: 'order-o',
    version: 1,
    position: 1n,
    recordedAt: '',
    metadata: {},
  };
  expect(typed.route(recorded)).toBe('o');
  expect(typed.decide(recorded, typed.initialState())).toEqual([
    { type: 'test.Reserve', data: { orderId: 'o', line: 0 } },
  ]);
  expect(typed.evolve(typed.initialState(), recorded)).toBe(1);
  expect(typed.sends).toEqual([Reserve]);
});

test('readYourWrites makes a query wait for the position it names', async () => {
  const events = new InMemoryEventStore();
  const store = new InMemoryProjectionStore();
  const totals = projection({
    name: 'test.totals',
    version: 1,
    handles: [Reserved],
    id: () => 'all',
    apply: (doc: { n: number } | undefined) => ({ n: (doc?.n ?? 0) + 1 }),
  });
  const runner = new ProjectionRunner({ log: events, store, projections: [totals], pollIntervalMs: 1000 });
  const Count = query('test.Count', z.object({}), returns<number>());
  const queries = new QueryBus()
    .use(readYourWrites(runner))
    .register(Count, async () => (await store.documents<{ n: number }>(totals).get('all'))?.n ?? 0);
  await runner.start();
  const { position } = await events.append('x', [Reserved({ orderId: 'o', line: 0 })]);
  await expect(queries.ask(Count({}), { context: { minPosition: position } })).resolves.toBe(1);
  await expect(
    queries.ask(Count({}), { context: { minPosition: position + 5n, maxWaitMs: 50 } }),
  ).rejects.toThrow(/did not reach position/);
  await runner.stop();
});

test('foldStream folds a stream as it stood at an instant', async () => {
  const events = new InMemoryEventStore();
  await events.append('s', [Reserved({ orderId: 'o', line: 0 })]);
  const [first] = await events.readStream('s');
  await new Promise((resolve) => setTimeout(resolve, 5));
  await events.append('s', [Reserved({ orderId: 'o', line: 1 })]);
  const fold = { initialState: () => 0, evolve: (n: number) => n + 1 };
  expect(await foldStream(events, 's', fold)).toMatchObject({ state: 2, version: 2 });
  expect(await foldStream(events, 's', fold, { asOf: first!.recordedAt })).toMatchObject({
    state: 1,
    version: 1,
  });
  expect(await foldStream(events, 's', fold, { asOf: '2000-01-01T00:00:00Z' })).toMatchObject({
    state: 0,
    version: 0,
  });
});
