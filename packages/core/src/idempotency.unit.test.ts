import { expect, test } from 'vitest';
import { z } from 'zod';
import { handleCommand } from './commandHandler.js';
import { loadStream, type SnapshotPolicy } from './loadStream.js';
import { toNewEvent } from './toNewEvent.js';
import { decider, fail, isRejection, rejectionError } from './decider.js';
import { isDomainError, isReplayMismatchError, isValidationError } from './errors.js';
import type { EventStore, NewEvent } from './eventStore.js';
import { idempotentStore, replayCutoff, replaying, withIdempotencyKey } from './idempotency.js';
import { InMemoryEventStore } from './inMemoryEventStore.js';
import { command, event, type EventOf, type MessageOf } from './message.js';

const Add = command('counter.Add', z.object({ n: z.number() }));
const Added = event('counter.Added.v1', z.object({ n: z.number() }));
const Refused = event('counter.Refused.v1', z.object({ n: z.number() }));
/** Counts up to 3: more is refused, and the refusal recorded (like a fraud alert). */
const counter = decider<number, MessageOf<typeof Add>, EventOf<typeof Added | typeof Refused>>({
  initialState: () => 0,
  decide: (c, s) =>
    s + c.data.n > 3 ? fail('too-much', { events: [Refused({ n: c.data.n })] }) : [Added({ n: c.data.n })],
  evolve: (s, e) => (e.type === 'counter.Added.v1' ? s + e.data.n : s),
});
const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
const record = (messageId: string) => ({
  scope: 'alice',
  key: 'k1',
  fingerprint: 'f',
  messageId,
  issuedAt: '2025-01-01T00:00:00.000Z',
  expiresAt,
});
const add = (n: number, messageId: string) =>
  Add({ n }, { messageId, timestamp: '2025-01-01T00:00:00.000Z' });

test('the key record commits with the command’s first append, not in the global log', async () => {
  const store = new InMemoryEventStore();
  await store.append('c', [{ type: 'counter.Added.v1', data: { n: 1 } }]);
  const first = await withIdempotencyKey(record('m1'), () =>
    handleCommand(idempotentStore(store), counter, 'c', add(2, 'm1')),
  );
  expect((await store.readAll()).map((e) => e.type)).toEqual(['counter.Added.v1', 'counter.Added.v1']);
  // With the version of the stream the command read: its rebuild reads it there.
  expect(await store.readIdempotencyKey('alice', 'k1')).toEqual({
    ...record('m1'),
    firstPosition: 2n,
    readVersions: { c: 1 },
  });
  expect(first.position).toBe(2n);
});

test('an attempt refused for a conflict writes no record; the retried attempt carries it', async () => {
  const store = new InMemoryEventStore();
  let racing = true;
  // A writer that slips in between the command's read and its append, once.
  const racy: EventStore = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream')
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          if (racing) {
            racing = false;
            await target.append('c', [{ type: 'counter.Added.v1', data: { n: 0 } }]);
          }
          return events;
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  await withIdempotencyKey(record('m1'), () =>
    handleCommand(idempotentStore(racy), counter, 'c', add(1, 'm1'), {
      retry: { attempts: 3, baseDelayMs: 0 },
    }),
  );
  expect(racing).toBe(false);
  // The versions of the attempt that committed, not of the one refused.
  expect(await store.readIdempotencyKey('alice', 'k1')).toMatchObject({
    messageId: 'm1',
    firstPosition: 2n,
    readVersions: { c: 1 },
  });
  expect(await store.head()).toBe(2n);
});

test('in the replay view, the same command decides as the first time: same answer, nothing written', async () => {
  const store = new InMemoryEventStore();
  const commands = idempotentStore(store);
  await handleCommand(commands, counter, 'c', add(1, 'm0'));
  const first = await withIdempotencyKey(record('m1'), () =>
    handleCommand(commands, counter, 'c', add(2, 'm1')),
  );
  // Later commands: a re-decision on the state now would refuse (1 + 2 + 2 > 3) and record a refusal.
  await store.append('c', [{ type: 'counter.Added.v1', data: { n: 0 } }]);
  const head = await store.head();
  const kept = await store.readIdempotencyKey('alice', 'k1');
  const again = await replaying({ firstPosition: 0n, ...kept }, () =>
    handleCommand(commands, counter, 'c', add(2, 'm1')),
  );
  expect(again).toEqual(first);
  expect(await store.head()).toBe(head);
  // Outside the view, the same decider refuses: the view is what made the difference.
  const refused = await handleCommand(commands, counter, 'c', add(2, 'm9')).catch((e: unknown) => e);
  expect(isDomainError(refused) && refused.code).toBe('too-much');
});

test('the replay view reads only events before the cut, and skips snapshots', async () => {
  const store = new InMemoryEventStore();
  const events = (n: number): NewEvent[] =>
    Array.from({ length: n }, () => ({ type: 'counter.Added.v1', data: { n: 1 } }));
  await store.append('c', events(5));
  const view = idempotentStore(store);
  const snapshots: SnapshotPolicy = { store, name: 'counter', every: 1 };
  await store.writeSnapshot('c', 'counter', { version: 5, state: 5 });
  const viewed = replaying({ firstPosition: 3n }, async () => {
    expect(replayCutoff()).toBe(3n);
    expect((await view.readStream('c')).map((e) => e.version)).toEqual([1, 2]);
    expect((await view.readStream('c', { direction: 'backward', limit: 1 })).map((e) => e.version)).toEqual([
      2,
    ]);
    expect((await view.readStream('c', { from: 2, limit: 5 })).map((e) => e.version)).toEqual([2]);
    expect(await view.streamVersion('c')).toBe(2);
    // Folds from the start, not from the snapshot at version 5; writes no snapshot either.
    const refused = await handleCommand(view, counter, 'c', add(2, 'm2'), { snapshots }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Error);
  });
  // Nothing in it re-appended the append at the cut: no answer can be given for sure.
  expect(isReplayMismatchError(await viewed.catch((e: unknown) => e))).toBe(true);
  expect(replayCutoff()).toBeUndefined();
  expect(await view.streamVersion('c')).toBe(5);
});

test('in the replay view, an append that is no replay of the first run is refused and writes nothing', async () => {
  const store = new InMemoryEventStore();
  const commands = idempotentStore(store);
  await handleCommand(commands, counter, 'c', add(1, 'm0'));
  const head = await store.head();
  const error = await replaying({ firstPosition: 1n }, () =>
    handleCommand(commands, counter, 'c', add(1, 'm5')),
  ).catch((e: unknown) => e);
  expect(isReplayMismatchError(error)).toBe(true);
  expect(String(error)).toMatch(/decided otherwise/);
  expect(await store.head()).toBe(head);
});

test('a store that keeps no keys refuses a keyed command, writing nothing', async () => {
  const store = new InMemoryEventStore();
  const bare: EventStore = {
    append: store.append.bind(store),
    appendMany: store.appendMany.bind(store),
    readStream: store.readStream.bind(store),
    streamVersion: store.streamVersion.bind(store),
  };
  const error = await withIdempotencyKey(record('m1'), () =>
    handleCommand(idempotentStore(bare), counter, 'c', add(1, 'm1')),
  ).catch((e: unknown) => e);
  expect(isValidationError(error)).toBe(true);
  expect(await store.head()).toBe(0n);
});

test('without a key, the store passes appends through unchanged', async () => {
  const store = new InMemoryEventStore();
  await handleCommand(idempotentStore(store), counter, 'c', Add({ n: 1 }));
  expect((await store.readAll()).map((e) => e.streamId)).toEqual(['c']);
  expect(await idempotentStore(store).head()).toBe(1n);
});

/** Adds to stream 'c' while its total stays within the limit that stream 'limit' holds (read, never appended). */
const Limited = event('counter.Limited.v1', z.object({ max: z.number() }));
const limit = decider<number, never, EventOf<typeof Limited>>({
  initialState: () => 3,
  decide: () => [],
  evolve: (_, e) => e.data.max,
});
function addWithinLimit(store: EventStore, command: MessageOf<typeof Add>) {
  return async () => {
    const max = await loadStream(store, limit, 'limit');
    const c = await loadStream(store, counter, 'c');
    const decision = counter.decide(command, c.state);
    if (isRejection(decision) || c.state + command.data.n > max.state)
      throw rejectionError(fail('over-limit'));
    const result = await store.appendMany([
      { streamId: 'c', events: decision.map(toNewEvent(command)), expectedVersion: c.version },
    ]);
    return { position: result.position, total: c.state + command.data.n };
  };
}

test('a rebuild reads every stream at the version the command read, not at its first position', async () => {
  const store = new InMemoryEventStore();
  await store.append('limit', [Limited({ max: 3 })]);
  // Another writer lowers the limit between the command's reads and its append (a stream it reads but
  // does not append to: no conflict). It decided on the limit it read.
  let racing = true;
  const racy: EventStore = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream')
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          if (racing && args[0] === 'c') {
            racing = false;
            await target.append('limit', [Limited({ max: 0 })]);
          }
          return events;
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  const commands = idempotentStore(racy);
  const first = await withIdempotencyKey(record('m1'), addWithinLimit(commands, add(2, 'm1')));
  const kept = await store.readIdempotencyKey('alice', 'k1');
  expect(kept?.readVersions).toEqual({ limit: 1, c: 0 });
  const head = await store.head();
  const again = await replaying({ firstPosition: 0n, ...kept }, addWithinLimit(commands, add(2, 'm1')));
  expect(again).toEqual(first);
  expect(await store.head()).toBe(head);
});

test('a rebuild that decides otherwise is a ReplayMismatchError, never another answer', async () => {
  const store = new InMemoryEventStore();
  const commands = idempotentStore(store);
  await withIdempotencyKey(record('m1'), () => handleCommand(commands, counter, 'c', add(2, 'm1')));
  const kept = await store.readIdempotencyKey('alice', 'k1');
  const head = await store.head();
  // The decider changed since (a deploy): it now refuses, appending nothing.
  const stricter = decider<number, MessageOf<typeof Add>, EventOf<typeof Added>>({
    initialState: () => 0,
    decide: () => fail('too-much'),
    evolve: (s) => s,
  });
  const refused = await replaying({ firstPosition: 0n, ...kept }, () =>
    handleCommand(commands, stricter, 'c', add(2, 'm1')),
  ).catch((e: unknown) => e);
  expect(isReplayMismatchError(refused)).toBe(true);
  // Or it decides other events: refused before they are written.
  const other = await replaying({ firstPosition: 0n, ...kept }, () =>
    handleCommand(commands, counter, 'c', add(1, 'm1-other')),
  ).catch((e: unknown) => e);
  expect(isReplayMismatchError(other)).toBe(true);
  expect(await store.head()).toBe(head);
});
