import { expect, test } from 'vitest';
import { z } from 'zod';
import { handleCommand } from './commandHandler.js';
import { decider } from './decider.js';
import { idempotentStore, withIdempotencyMark } from './idempotency.js';
import { InMemoryEventStore } from './inMemoryEventStore.js';
import { command, event, type EventOf, type MessageOf } from './message.js';

const Add = command('counter.Add', z.object({ n: z.number() }));
const Added = event('counter.Added.v1', z.object({ n: z.number() }));
const counter = decider<number, MessageOf<typeof Add>, EventOf<typeof Added>>({
  initialState: () => 0,
  decide: (c) => [Added({ n: c.data.n })],
  evolve: (s, e) => s + e.data.n,
});
const mark = {
  streamId: 'keys-k1',
  event: { id: 'm1:key', type: 'janus.IdempotencyKeyUsed.v1', data: { key: 'k1' } },
};

test('the mark is appended in the same append as the command, and a replay writes nothing twice', async () => {
  const store = new InMemoryEventStore();
  const commands = idempotentStore(store);
  const cmd = Add({ n: 2 }, { messageId: 'm1' });
  const first = await withIdempotencyMark(mark, () => handleCommand(commands, counter, 'c', cmd));
  expect((await store.readAll()).map((e) => [e.streamId, e.type])).toEqual([
    ['c', 'counter.Added.v1'],
    ['keys-k1', 'janus.IdempotencyKeyUsed.v1'],
  ]);
  expect(first.position).toBe(2n);
  const again = await withIdempotencyMark(mark, () => handleCommand(commands, counter, 'c', cmd));
  expect(again.position).toBe(2n);
  expect(await store.head()).toBe(2n);
});

test('without a mark, the store passes appends through unchanged', async () => {
  const store = new InMemoryEventStore();
  await handleCommand(idempotentStore(store), counter, 'c', Add({ n: 1 }));
  expect((await store.readAll()).map((e) => e.streamId)).toEqual(['c']);
  expect(await idempotentStore(store).head()).toBe(1n);
});
