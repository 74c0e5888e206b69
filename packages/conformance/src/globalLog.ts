import { describe, expect, test } from 'vitest';
import { subscribe, type RecordedEvent } from '@janus/core';
import { events, expectStrictlyIncreasing, sleep, useStores, waitUntil, within } from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';

/** Reads the whole log page by page, as a checkpointing reader does. */
async function pageThrough(store: StoreUnderTest, limit: number, after = 0n): Promise<RecordedEvent[][]> {
  const pages: RecordedEvent[][] = [];
  for (;;) {
    const page = await store.readAll({ after, limit });
    if (page.length === 0) return pages;
    pages.push(page);
    const last = page.at(-1)?.position ?? after;
    // A log that answers `after` inclusively would page forever.
    expect(last, `a page after ${after.toString()} must move on`).toBeGreaterThan(after);
    after = last;
  }
}

/** Guarantee 4: every committed event has a global position, and readers following the log never skip. */
export function describeGlobalLog(target: ConformanceTarget): void {
  describe('global log', () => {
    const stores = useStores(target);

    test('an empty store has head 0n and an empty log', async () => {
      const store = await stores.create();
      expect(await store.head()).toBe(0n);
      expect(await store.readAll()).toEqual([]);
      expect(await store.readAll({ after: 0n, limit: 10 })).toEqual([]);
    });

    test('positions are bigints, strictly increasing, in commit order; head is the last one', async () => {
      const store = await stores.create();
      const results = [
        await store.append('a', events(2, 'a')),
        await store.appendMany([
          { streamId: 'b', events: events(2, 'b') },
          { streamId: 'a', events: events(1, 'a', 3) },
        ]),
        await store.append('c', events(1, 'c')),
        await store.append('a', events(3, 'a', 4)),
      ];
      const sizes = [2, 3, 1, 3];
      const log = await store.readAll();
      expect(log).toHaveLength(9);
      expectStrictlyIncreasing(log.map((e) => e.position));
      // Each append's events come after the previous append's and end at the position it answered.
      let offset = 0;
      for (const [i, result] of results.entries()) {
        const size = sizes[i] ?? 0;
        const mine = log.slice(offset, offset + size);
        expect(mine.at(-1)?.position).toBe(result.position);
        offset += size;
      }
      expect(await store.head()).toBe(log.at(-1)?.position);
      // Within a stream, log order is version order.
      const a = log.filter((e) => e.streamId === 'a');
      expect(a.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    test('readStream and readAll agree on every field of every event', async () => {
      const store = await stores.create();
      await store.appendMany([
        { streamId: 'a', events: events(2, 'a') },
        { streamId: 'b', events: events(2, 'b') },
      ]);
      await store.append('a', events(1, 'a', 3));
      const log = await store.readAll();
      const streams = [...(await store.readStream('a')), ...(await store.readStream('b'))];
      const byPosition = (x: RecordedEvent, y: RecordedEvent) => (x.position < y.position ? -1 : 1);
      expect(streams.sort(byPosition)).toEqual(log);
    });

    test('readAll({ after, limit }) pages through everything, for any page size', async () => {
      const store = await stores.create();
      await store.appendMany([
        { streamId: 'a', events: events(9, 'a') },
        { streamId: 'b', events: events(5, 'b') },
      ]);
      await store.append('c', events(6, 'c'));
      await store.append('a', events(3, 'a', 10));
      const all = await store.readAll();
      expect(all).toHaveLength(23);
      for (const limit of [1, 2, 5, 22, 23, 24, 1000]) {
        const pages = await pageThrough(store, limit);
        expect(pages.flat()).toEqual(all);
        expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
        expect(pages.at(-1)?.length).toBeLessThanOrEqual(limit);
      }
      for (const [i, event] of all.entries()) {
        expect(await store.readAll({ after: event.position })).toEqual(all.slice(i + 1));
        expect(await store.readAll({ after: event.position, limit: 2 })).toEqual(all.slice(i + 1, i + 3));
      }
      expect(await store.readAll({ limit: 0 })).toEqual([]);
      expect(await store.readAll({ after: 0n })).toEqual(all);
      expect(await store.readAll({ after: await store.head() })).toEqual([]);
      expect(await store.readAll({ after: (await store.head()) + 1000n })).toEqual([]);
    });

    test('onAppended tells listeners after a commit that readers can already see; unsubscribing stops it', async () => {
      const store = await stores.create();
      const sawOnWake: bigint[] = [];
      let calls = 0;
      const unsubscribe = store.onAppended(() => {
        calls++;
        void store.readAll().then((log) => sawOnWake.push(log.at(-1)?.position ?? 0n));
      });
      const first = await store.append('s', events(2, 'a'));
      await waitUntil(() => sawOnWake.length >= 1, 'the listener was called and read the log', 5_000);
      expect(sawOnWake[0]).toBeGreaterThanOrEqual(first.position);
      unsubscribe();
      const before = calls;
      await store.append('s', events(1, 'b'));
      await sleep(20);
      expect(calls).toBe(before);
    });

    test('a follower sees every event of many concurrent writers exactly once, in position order', async () => {
      const store = await stores.create();
      const controller = stores.abortController();
      const followed: RecordedEvent[] = [];
      const follower = (async () => {
        for await (const e of subscribe(store, { signal: controller.signal, batchSize: 16 }))
          followed.push(e);
      })();
      // A follower that restarts from its checkpoint every 37 events.
      const restarted: RecordedEvent[] = [];
      const restarting = (async () => {
        while (!controller.signal.aborted) {
          let count = 0;
          const after = restarted.at(-1)?.position ?? 0n;
          for await (const e of subscribe(store, { signal: controller.signal, after, batchSize: 10 })) {
            restarted.push(e);
            if (++count === 37) break;
          }
        }
      })();
      // A reader that only polls readAll, pages of 7.
      const polled: RecordedEvent[] = [];
      const polling = (async () => {
        while (!controller.signal.aborted) {
          const page = await store.readAll({ after: polled.at(-1)?.position ?? 0n, limit: 7 });
          polled.push(...page);
          if (page.length === 0) await sleep(1);
        }
      })();

      const writers = 10;
      const appendsEach = 30;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let version = 0;
          for (let i = 0; i < appendsEach; i++) {
            const own = `writer-${w}`;
            const data = { writer: w, i };
            if (i % 5 === 4) {
              const result = await store.appendMany([
                { streamId: own, events: [{ type: 'test.written', data }], expectedVersion: version },
                {
                  streamId: 'hub',
                  events: [
                    { type: 'test.shared', data },
                    { type: 'test.shared', data },
                  ],
                },
              ]);
              version = result.streams[0]?.version ?? -1;
            } else {
              version = (
                await store.append(own, [{ type: 'test.written', data }], { expectedVersion: version })
              ).version;
            }
          }
          expect(version).toBe(appendsEach);
        }),
      );

      const all = await store.readAll();
      expect(all).toHaveLength(writers * appendsEach + writers * (appendsEach / 5) * 2);
      expectStrictlyIncreasing(all.map((e) => e.position));
      const last = all.at(-1)?.position ?? 0n;
      const reached = (seen: RecordedEvent[]) => () => (seen.at(-1)?.position ?? 0n) >= last;
      await waitUntil(reached(followed), 'the follower reached the head');
      await waitUntil(reached(restarted), 'the restarting follower reached the head');
      await waitUntil(reached(polled), 'the polling reader reached the head');
      controller.abort();
      await within(Promise.all([follower, restarting, polling]), 5_000, 'readers stop when aborted');

      const key = (e: RecordedEvent) => `${e.position.toString()} ${e.id}`;
      for (const seen of [followed, restarted, polled]) {
        expectStrictlyIncreasing(seen.map((e) => e.position));
        expect(seen.map(key)).toEqual(all.map(key));
      }
      expect(followed).toEqual(all);
      const hub = await store.readStream('hub');
      expect(hub.map((e) => e.version)).toEqual(Array.from({ length: hub.length }, (_, i) => i + 1));
    });
  });
}
