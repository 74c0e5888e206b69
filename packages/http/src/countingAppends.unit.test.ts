// janus_events_appended_total counts the events a command appended, and nothing for the replay that
// rebuilds a lost answer (its appends are recognized as already stored and write nothing).
import {
  InMemoryEventStore,
  command,
  decider,
  event,
  handleCommand,
  idempotentStore,
  replaying,
  withIdempotencyKey,
  type EventOf,
  type MessageOf,
} from '@janus/core';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { countingAppends } from './countingAppends.js';
import { JanusMetrics } from './janusMetrics.js';

const Add = command('counter.Add', z.object({ n: z.number() }));
const Added = event('counter.Added.v1', z.object({ n: z.number() }));
const counter = decider<number, MessageOf<typeof Add>, EventOf<typeof Added>>({
  initialState: () => 0,
  decide: (c) => [Added({ n: c.data.n }), Added({ n: c.data.n })],
  evolve: (s, e) => s + e.data.n,
});
const add = (messageId: string) => Add({ n: 1 }, { messageId, timestamp: '2025-01-01T00:00:00.000Z' });

const appended = async (metrics: JanusMetrics) => {
  const line = (await metrics.text()).split('\n').find((l) => l.startsWith('janus_events_appended_total'));
  return Number(line?.split(' ')[1] ?? 0);
};

test('appends count their events; the idempotent replay of a keyed command counts none', async () => {
  const store = new InMemoryEventStore();
  const metrics = new JanusMetrics({ processMetrics: false });
  const commands = idempotentStore(countingAppends(store, metrics));
  await handleCommand(commands, counter, 'c', add('m0'));
  const record = {
    scope: 'alice',
    key: 'k1',
    fingerprint: 'f',
    messageId: 'm1',
    issuedAt: '2025-01-01T00:00:00.000Z',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const first = await withIdempotencyKey(record, () => handleCommand(commands, counter, 'c', add('m1')));
  expect(await appended(metrics)).toBe(4);
  const head = await store.head();

  const kept = await store.readIdempotencyKey('alice', 'k1');
  const again = await replaying({ firstPosition: 0n, ...kept }, () =>
    handleCommand(commands, counter, 'c', add('m1')),
  );
  expect(again).toEqual(first);
  expect(await store.head()).toBe(head);
  expect(await appended(metrics)).toBe(4);
});
