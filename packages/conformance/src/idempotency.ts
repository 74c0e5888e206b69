import { describe, expect, test } from 'vitest';
import { handleCommand, type Decider, type Event, type Message } from '@janus/core';
import { ev, events, expectUnchanged, expectValidationError, picture, useStores } from './support.js';
import type { ConformanceTarget } from './target.js';

type Noted = Event<'test.noted', { text: string }>;
type Note = Message<'test.note', { text: string }>;
const notes: Decider<{ count: number }, Note, Noted> = {
  initialState: () => ({ count: 0 }),
  decide: (command) => [{ type: 'test.noted', data: { text: command.data.text } }],
  evolve: (state) => ({ count: state.count + 1 }),
};
const note = (messageId: string, text: string): Note => ({
  type: 'test.note',
  data: { text },
  metadata: {
    messageId,
    correlationId: messageId,
    causationId: null,
    principal: null,
    timestamp: '2025-01-01T00:00:00.000Z',
  },
});

/** Guarantee 3: re-appending events with the same event ids is a no-op that returns the first result. */
export function describeIdempotency(target: ConformanceTarget): void {
  describe('idempotent append', () => {
    const stores = useStores(target);

    test('the same append again is a no-op answering the first result, even after other appends', async () => {
      const store = await stores.create();
      await store.append('s', events(1, 'before'));
      const first = await store.append('s', events(2, 'e'), { expectedVersion: 1 });
      const seen = await picture(store, ['s']);
      expect(await store.append('s', events(2, 'e'), { expectedVersion: 1 })).toEqual(first);
      await expectUnchanged(store, seen);

      await store.appendMany([
        { streamId: 's', events: events(2, 'after') },
        { streamId: 'other', events: events(3, 'other') },
      ]);
      const later = await picture(store, ['s', 'other']);
      // A retry carries the expected version of its first attempt, which no longer holds: still a replay.
      expect(await store.append('s', events(2, 'e'), { expectedVersion: 1 })).toEqual(first);
      expect(await store.append('s', events(2, 'e'), { expectedVersion: 'no_stream' })).toEqual(first);
      expect(await store.append('s', events(2, 'e'))).toEqual(first);
      await expectUnchanged(store, later);
    });

    test('the same multi-stream append again is a no-op answering the first result', async () => {
      const store = await stores.create();
      const appends = [
        { streamId: 'a', events: events(2, 'a'), expectedVersion: 'no_stream' as const },
        { streamId: 'b', events: events(1, 'b'), expectedVersion: 0 },
      ];
      const first = await store.appendMany(appends);
      await store.append('a', events(1, 'a', 3));
      await store.append('c', events(1, 'c'));
      const seen = await picture(store, ['a', 'b', 'c']);
      expect(await store.appendMany(appends)).toEqual(first);
      await expectUnchanged(store, seen);
    });

    test('an append whose ids were partly appended before is refused and writes nothing', async () => {
      const store = await stores.create();
      await store.append('s', events(2, 'e'));
      const seen = await picture(store, ['s', 't']);
      // e-2 was stored, e-3 is new.
      await expectValidationError(store.append('s', events(2, 'e', 2)));
      // All stored, plus an event without id.
      await expectValidationError(store.append('s', [...events(2, 'e'), ev('test.happened', { n: 3 })]));
      // The same ids in another stream.
      await expectValidationError(store.append('t', events(2, 'e')));
      await expectValidationError(
        store.appendMany([
          { streamId: 's', events: events(1, 'e') },
          { streamId: 't', events: events(1, 'e', 2) },
        ]),
      );
      // One stream of a multi-stream append is a replay, the other is new.
      await expectValidationError(
        store.appendMany([
          { streamId: 's', events: events(2, 'e') },
          { streamId: 't', events: events(1, 'fresh') },
        ]),
      );
      await expectUnchanged(store, seen);
    });

    test('an id twice in one append is refused and writes nothing', async () => {
      const store = await stores.create();
      await store.append('s', events(1, 'seed'));
      const seen = await picture(store, ['s', 't']);
      await expectValidationError(
        store.append('s', [ev('test.happened', { n: 1 }, 'twice'), ev('test.happened', { n: 2 }, 'twice')]),
      );
      await expectValidationError(
        store.appendMany([
          { streamId: 's', events: [ev('test.happened', { n: 1 }, 'twice')] },
          { streamId: 't', events: [ev('test.happened', { n: 2 }, 'twice')] },
        ]),
      );
      await expectValidationError(store.append('s', [ev('test.happened', {}, '')]));
      await expectUnchanged(store, seen);
    });

    test('events without ids get distinct ids and are appended every time', async () => {
      const store = await stores.create();
      await store.append('s', events(2));
      await store.append('s', events(2));
      const stream = await store.readStream('s');
      expect(stream).toHaveLength(4);
      for (const e of stream) expect(e.id).toMatch(/./);
      expect(new Set(stream.map((e) => e.id)).size).toBe(4);
    });

    test('concurrent retries of one append write it once and all answer the first result', async () => {
      const store = await stores.create();
      await store.append('s', events(1, 'seed'));
      const tries = await Promise.allSettled(
        Array.from({ length: 10 }, () => store.append('s', events(3, 'retry'), { expectedVersion: 1 })),
      );
      const answers = tries.map((t): unknown => (t.status === 'fulfilled' ? t.value : t.reason));
      const stream = await store.readStream('s');
      expect(stream.map((e) => e.id)).toEqual(['seed-1', 'retry-1', 'retry-2', 'retry-3']);
      const first = { streamId: 's', version: 4, position: stream.at(-1)?.position };
      expect(answers).toEqual(Array.from({ length: 10 }, () => first));
    });

    test('handling the same command twice appends its events once', async () => {
      const store = await stores.create();
      const first = await handleCommand(store, notes, 'n', note('m-1', 'hello'));
      await handleCommand(store, notes, 'n', note('m-2', 'world'));
      const again = await handleCommand(store, notes, 'n', note('m-1', 'hello'));
      expect({ version: again.version, position: again.position }).toEqual({
        version: first.version,
        position: first.position,
      });
      const stream = await store.readStream('n');
      expect(stream.map((e) => [e.id, e.data])).toEqual([
        ['m-1:0', { text: 'hello' }],
        ['m-2:0', { text: 'world' }],
      ]);
      expect(stream[0]?.metadata).toMatchObject({ causationId: 'm-1', correlationId: 'm-1' });
    });
  });
}
