import { describe, expect, test } from 'vitest';
import { subscribe, type RecordedEvent } from '@janus/core';
import { events, sleep, useStores, within } from './support.js';
import type { ConformanceTarget } from './target.js';

/** Long enough that a follower which gets its events must have been woken by the store, not by polling. */
const noPolling = { pollIntervalMs: 60_000 };

async function take(iterator: AsyncIterator<RecordedEvent>, count: number): Promise<RecordedEvent[]> {
  const taken: RecordedEvent[] = [];
  while (taken.length < count) {
    const next = await within(iterator.next(), 5_000, `waiting for event ${taken.length + 1} of ${count}`);
    if (next.done === true) break;
    taken.push(next.value);
  }
  return taken;
}

/** Following the global log with core's `subscribe` on this store. */
export function describeSubscription(target: ConformanceTarget): void {
  describe('subscription', () => {
    const stores = useStores(target);

    test('catches up from a position, then receives live events as they are appended', async () => {
      const store = await stores.create();
      await store.append('a', events(3, 'a'));
      const [, second] = await store.readAll();
      const controller = stores.abortController();
      const iterator = subscribe(store, {
        after: second?.position ?? 0n,
        signal: controller.signal,
        ...noPolling,
      });
      expect((await take(iterator, 1)).map((e) => e.id)).toEqual(['a-3']);

      // Caught up: the next event is one that is appended only now.
      const waiting = take(iterator, 3);
      await sleep(10);
      await store.append('b', events(1, 'b'));
      await store.appendMany([
        { streamId: 'a', events: events(1, 'a', 4) },
        { streamId: 'c', events: events(1, 'c') },
      ]);
      const live = await waiting;
      expect(live.map((e) => e.id).sort()).toEqual(['a-4', 'b-1', 'c-1']);
      expect(live[0]?.id).toBe('b-1');
      expect(live).toEqual((await store.readAll()).slice(3));

      controller.abort();
      expect(await within(iterator.next(), 5_000, 'the iterator ends after abort')).toEqual({
        done: true,
        value: undefined,
      });
    });

    test('never yields an event at or before `after`', async () => {
      const store = await stores.create();
      await store.append('a', events(5, 'a'));
      const log = await store.readAll();
      for (const [i, event] of log.entries()) {
        const controller = stores.abortController();
        const seen: RecordedEvent[] = [];
        const following = (async () => {
          for await (const e of subscribe(store, {
            after: event.position,
            signal: controller.signal,
            ...noPolling,
          })) {
            seen.push(e);
            if (seen.length === log.length - i - 1) controller.abort();
          }
        })();
        if (i === log.length - 1) {
          await sleep(10);
          controller.abort();
        }
        await within(following, 5_000, 'the follower ends');
        expect(seen).toEqual(log.slice(i + 1));
      }
    });

    test('ends cleanly, without an error, when aborted while waiting for events', async () => {
      const store = await stores.create();
      await store.append('a', events(2, 'a'));
      const controller = stores.abortController();
      const seen: RecordedEvent[] = [];
      const following = (async () => {
        for await (const e of subscribe(store, { signal: controller.signal, ...noPolling })) seen.push(e);
      })();
      await sleep(20);
      controller.abort();
      await within(following, 5_000, 'the follower ends on abort');
      expect(seen.map((e) => e.id)).toEqual(['a-1', 'a-2']);
    });

    test('an already aborted signal yields nothing and ends', async () => {
      const store = await stores.create();
      await store.append('a', events(2, 'a'));
      const seen: RecordedEvent[] = [];
      for await (const e of subscribe(store, { signal: AbortSignal.abort(), ...noPolling })) seen.push(e);
      expect(seen).toEqual([]);
    });

    test('catches up across many small batches, each event once and in order', async () => {
      const store = await stores.create();
      await store.appendMany([
        { streamId: 'a', events: events(13, 'a') },
        { streamId: 'b', events: events(12, 'b') },
      ]);
      const log = await store.readAll();
      const controller = stores.abortController();
      const iterator = subscribe(store, { signal: controller.signal, batchSize: 4, ...noPolling });
      expect(await take(iterator, 25)).toEqual(log);
      controller.abort();
      expect((await within(iterator.next(), 5_000, 'the iterator ends')).done).toBe(true);
    });
  });
}
