import { expect, test } from 'vitest';
import { EventBus } from './eventBus.js';
import { InMemoryEventStore } from './inMemoryEventStore.js';

test('the event bus notifies listeners by type and for all, after the append', async () => {
  const failures: unknown[] = [];
  const bus = new EventBus({ onError: (error) => failures.push(error) });
  const store = new InMemoryEventStore({ eventBus: bus });
  const typed: string[] = [];
  const all: bigint[] = [];
  bus.on('a', (e) => void typed.push(e.id));
  const off = bus.on('*', (e) => void all.push(e.position));
  bus.on('b', () => {
    throw new Error('listener broke');
  });
  await store.append('s', [
    { id: 'e1', type: 'a', data: {} },
    { id: 'e2', type: 'b', data: {} },
  ]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(typed).toEqual(['e1']);
  expect(all).toEqual([1n, 2n]);
  expect(failures).toHaveLength(1);
  expect(await store.streamVersion('s')).toBe(2);
  off();
  await store.append('s', [{ type: 'a', data: {} }]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(all).toEqual([1n, 2n]);
});
