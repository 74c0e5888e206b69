// The specifications must not drift from production: the same events through the real ProjectionRunner
// and in-memory stores give the same documents, workflow states and commands (metadata too) as `given`.
import { expect, test } from 'vitest';
import { z } from 'zod';
import { InMemoryEventStore } from '../inMemoryEventStore.js';
import { command, event, type Request } from '../message.js';
import { CommandBus } from '../messageBus.js';
import { InMemoryProjectionStore } from '../projections/inMemoryProjectionStore.js';
import { projection } from '../projections/projection.js';
import { ProjectionRunner } from '../projections/projectionRunner.js';
import { workflow } from '../projections/workflow.js';
import { given } from './given.js';

const Counted = event('spec.Counted.v1', z.object({ key: z.string(), by: z.number() }));
const Reset = event('spec.Reset.v1', z.object({ key: z.string() }));
const Other = event('spec.Other.v1', z.object({ key: z.string() }));
const Alert = command('spec.Alert', z.object({ key: z.string(), total: z.number() }));

const counters = projection({
  name: 'spec.counters',
  version: 1,
  handles: [Counted, Reset],
  id: (e) => e.data.key,
  indexes: ['parity'],
  apply: (doc: { total: number; parity: string; seq: number } | undefined, e) => {
    if (e.type === 'spec.Reset.v1') return null;
    const total = (doc?.total ?? 0) + e.data.by;
    return { total, parity: total % 2 === 0 ? 'even' : 'odd', seq: e.version };
  },
});

const alarms = workflow({
  name: 'spec.alarms',
  version: 1,
  handles: [Counted, Reset],
  sends: [Alert],
  route: (e) => e.data.key,
  initialState: () => ({ total: 0 }),
  decide: (e, s) =>
    e.type === 'spec.Counted.v1' && s.total + e.data.by >= 5
      ? [Alert({ key: e.data.key, total: s.total + e.data.by })]
      : [],
  evolve: (s, e) => (e.type === 'spec.Reset.v1' ? { total: 0 } : { total: s.total + e.data.by }),
});

test('given gives what the runner gives, for a projection and a workflow', async () => {
  const log = new InMemoryEventStore();
  const store = new InMemoryProjectionStore();
  const sent: Request[] = [];
  const commands = new CommandBus().register(Alert, (c) => {
    sent.push(c);
    return { version: 0, position: 0n };
  });
  const runner = new ProjectionRunner({
    log,
    store,
    projections: [counters],
    workflows: [alarms],
    commands,
    batchSize: 3,
  });
  await log.append('a', [Counted({ key: 'a', by: 2 }), Counted({ key: 'b', by: 1 })]);
  await log.append('b', [Other({ key: 'a' }), Counted({ key: 'a', by: 4 })], {
    expectedVersion: 'no_stream',
  });
  await log.append('a', [Reset({ key: 'b' }), Counted({ key: 'b', by: 6 }), Counted({ key: 'c', by: 3 })]);
  await runner.start();
  await runner.waitFor(await log.head(), { timeoutMs: 5_000 });
  await runner.stop();

  const recorded = await log.readAll();
  const docs = given(counters, recorded);
  for (const key of ['a', 'b', 'c']) {
    expect(docs.documents()[key]).toEqual(await store.documents(counters).get(key));
  }
  expect(docs.documents()).toMatchObject({ a: { total: 6 }, b: { total: 6 }, c: { total: 3 } });
  for (const parity of ['even', 'odd']) {
    const found = Object.values(docs.documents()).filter((d) => d.parity === parity);
    expect(found).toEqual(await store.documents(counters).find('parity', parity));
  }

  const flow = given(alarms, recorded);
  expect(flow.commands()).toEqual(sent.map(({ type, data, metadata }) => ({ type, data, metadata })));
  expect(sent).toHaveLength(2);
  for (const key of ['a', 'b', 'c']) {
    expect(flow.state(key)).toEqual(await store.documents(alarms.state).get(key));
  }
});
