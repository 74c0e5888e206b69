import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { handleMultiStreamCommand } from './handleMultiStreamCommand.js';
import { assertNever, decider, fail } from './decider.js';
import { isConcurrencyError, isDomainError, isReplayMismatchError, isValidationError } from './errors.js';
import type { EventStore, NewEvent } from './eventStore.js';
import { idempotentStore, replaying, withIdempotencyKey } from './idempotency.js';
import { InMemoryEventStore } from './inMemoryEventStore.js';
import { loadStream } from './loadStream.js';
import { command, event, type EventOf, type MessageOf } from './message.js';
import { multiStreamDecider, rejectionIn } from './multiStreamDecider.js';

// Wallets, and a move of money between two of them: the decision reads both streams.
const Move = command('wallet.Move', z.object({ from: z.string(), to: z.string(), amount: z.number() }));
const Credited = event('wallet.Credited.v1', z.object({ amount: z.number() }));
const Debited = event('wallet.Debited.v1', z.object({ amount: z.number() }));
const Overdraft = event('wallet.OverdraftAttempted.v1', z.object({ amount: z.number() }));
type WalletEvent = EventOf<typeof Credited | typeof Debited | typeof Overdraft>;

const wallet = decider<{ balance: number; attempts: number }, never, WalletEvent>({
  initialState: () => ({ balance: 0, attempts: 0 }),
  decide: () => [],
  evolve(state, e) {
    switch (e.type) {
      case 'wallet.Credited.v1':
        return { ...state, balance: state.balance + e.data.amount };
      case 'wallet.Debited.v1':
        return { ...state, balance: state.balance - e.data.amount };
      case 'wallet.OverdraftAttempted.v1':
        return { ...state, attempts: state.attempts + 1 };
      default:
        return assertNever(e);
    }
  },
});

// A move more than the sender holds is refused, and the attempt recorded in the sender's stream.
const walletsOf = (c: MessageOf<typeof Move>) => ({
  from: { streamId: c.data.from, decider: wallet },
  to: { streamId: c.data.to, decider: wallet },
});
const move = multiStreamDecider({
  streams: walletsOf,
  decide: (c, { from }) => {
    const { amount } = c.data;
    if (amount > from.balance) {
      return rejectionIn('from', fail('insufficient-funds', { events: [Overdraft({ amount })] }));
    }
    return { from: [Debited({ amount })], to: [Credited({ amount })] };
  },
});

const at = '2025-01-01T00:00:00.000Z';
const moveOf = (amount: number, messageId: string, from = 'a', to = 'b') =>
  Move({ from, to, amount }, { messageId, timestamp: at });
const credit = (amount: number): NewEvent[] => [{ type: 'wallet.Credited.v1', data: { amount } }];

async function funded(amount = 10): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  await store.append('a', credit(amount));
  return store;
}

/** The store, with a writer that appends to `streamId` right after the command's first read, `times` times. */
function racing(store: EventStore, streamId: string, times = 1): EventStore & { raced: () => number } {
  let raced = 0;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'raced') return () => raced;
      if (property === 'readStream')
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          if (raced < times) {
            raced++;
            await target.append(streamId, credit(0));
          }
          return events;
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  }) as EventStore & { raced: () => number };
}

const types = async (store: EventStore, streamId: string) =>
  (await store.readStream(streamId)).map((e) => `${e.id} ${e.type}`);

describe('handleMultiStreamCommand', () => {
  test('appends each stream’s events in one append, ids numbered across streams, each at the version read', async () => {
    const store = await funded();
    const outcome = await handleMultiStreamCommand(store, move, moveOf(4, 'm1'));
    expect((await types(store, 'a')).at(-1)).toBe('m1:0 wallet.Debited.v1');
    expect((await store.readStream('b')).map((e) => e.id)).toEqual(['m1:1']);
    expect(outcome.position).toBe(3n);
    expect(outcome.streams.from).toMatchObject({ streamId: 'a', version: 2, position: 2n });
    expect(outcome.streams.to).toMatchObject({ streamId: 'b', version: 1, position: 3n });
    expect([outcome.streams.from.state.balance, outcome.streams.to.state.balance]).toEqual([6, 4]);
    const [debited] = await store.readStream('a', { from: 2 });
    expect(debited?.metadata).toMatchObject({ causationId: 'm1', timestamp: at });
  });

  test('atomic: when one stream moved under the command, no stream is appended', async () => {
    const store = await funded();
    const error = await handleMultiStreamCommand(racing(store, 'b'), move, moveOf(4, 'm1'), {
      retry: { attempts: 1 },
    }).catch((e: unknown) => e);
    expect(isConcurrencyError(error)).toBe(true);
    expect((await store.readStream('a')).length).toBe(1);
    expect((await store.readStream('b')).map((e) => e.id)).not.toContain('m1:1');
  });

  test('a stream that moved is read again and the command decided again (bounded retry)', async () => {
    const store = await funded();
    const racy = racing(store, 'b', 2);
    const outcome = await handleMultiStreamCommand(racy, move, moveOf(4, 'm1'), {
      retry: { attempts: 5, baseDelayMs: 0 },
    });
    expect(racy.raced()).toBe(2);
    expect(outcome.streams.to.version).toBe(3);
    expect((await store.readStream('b')).map((e) => e.id).filter((id) => id.startsWith('m1'))).toEqual([
      'm1:1',
    ]);
    const persistent = racing(store, 'b', 100);
    const error = await handleMultiStreamCommand(persistent, move, moveOf(1, 'm2'), {
      retry: { attempts: 3, baseDelayMs: 0 },
    }).catch((e: unknown) => e);
    expect(isConcurrencyError(error)).toBe(true);
    expect(persistent.raced()).toBe(3 * 2); // three attempts, each reading both streams
  });

  test('a refusal records its events in the stream it names, under :rejected: ids, then fails', async () => {
    const store = await funded(3);
    const error = await handleMultiStreamCommand(store, move, moveOf(5, 'm1')).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('insufficient-funds');
    expect((await store.readStream('a')).map((e) => `${e.id} ${e.type}`).at(-1)).toBe(
      'm1:rejected:0 wallet.OverdraftAttempted.v1',
    );
    expect(await store.readStream('b')).toEqual([]);
    // Sent again: refused again, recorded once.
    await handleMultiStreamCommand(store, move, moveOf(5, 'm1')).catch((e: unknown) => e);
    expect((await store.readStream('a')).length).toBe(2);
  });

  test('a refusal is recorded only while every stream it decided on is as read', async () => {
    const store = await funded(3);
    const error = await handleMultiStreamCommand(racing(store, 'b'), move, moveOf(5, 'm1'), {
      retry: { attempts: 1 },
    }).catch((e: unknown) => e);
    expect(isConcurrencyError(error)).toBe(true);
    expect((await store.readStream('a')).length).toBe(1);
  });

  test('a refusal with events but no stream for them is a programming error, and writes nothing', async () => {
    const unnamed = multiStreamDecider({
      streams: walletsOf,
      decide: (c: MessageOf<typeof Move>) => fail('no', { events: [Overdraft({ amount: c.data.amount })] }),
    });
    const store = await funded();
    const error = await handleMultiStreamCommand(store, unnamed, moveOf(1, 'm1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(await store.head()).toBe(1n);
  });

  test('a command naming one stream twice is a ValidationError, and writes nothing', async () => {
    const store = await funded();
    const error = await handleMultiStreamCommand(store, move, moveOf(1, 'm1', 'a', 'a')).catch(
      (e: unknown) => e,
    );
    expect(isValidationError(error)).toBe(true);
    expect(await store.head()).toBe(1n);
  });

  test('sent again, a command appends once and is answered as it was answered then', async () => {
    const store = await funded();
    const first = await handleMultiStreamCommand(store, move, moveOf(4, 'm1'));
    await handleMultiStreamCommand(store, move, moveOf(1, 'm2'));
    const again = await handleMultiStreamCommand(store, move, moveOf(4, 'm1'));
    expect(again).toEqual(first);
    expect(await store.head()).toBe(5n);
  });

  test('snapshots per named stream are written when crossed and read on load', async () => {
    const store = await funded(100);
    const policy = { store, name: 'wallet.v1', every: 2 };
    await handleMultiStreamCommand(store, move, moveOf(1, 'm1'), { snapshots: { from: policy } });
    expect(await store.readSnapshot('a', 'wallet.v1')).toEqual({
      version: 2,
      state: { balance: 99, attempts: 0 },
    });
    expect(await store.readSnapshot('b', 'wallet.v1')).toBeUndefined();
    expect((await loadStream(store, wallet, 'a', policy)).state.balance).toBe(99);
  });
});

describe('handleMultiStreamCommand with idempotency keys', () => {
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  const record = (messageId: string) => ({
    scope: 'alice',
    key: 'k1',
    fingerprint: 'f',
    messageId,
    issuedAt: at,
    expiresAt,
  });

  test('the key records the version of every stream the decision read', async () => {
    const store = await funded();
    await store.append('b', credit(1));
    await withIdempotencyKey(record('m1'), () =>
      handleMultiStreamCommand(idempotentStore(store), move, moveOf(4, 'm1')),
    );
    expect(await store.readIdempotencyKey('alice', 'k1')).toMatchObject({
      firstPosition: 3n,
      readVersions: { a: 1, b: 1 },
    });
  });

  test('a rebuild after a lost answer reads every stream at the recorded version: same answer, nothing written', async () => {
    const store = await funded(5);
    const commands = idempotentStore(store);
    const first = await withIdempotencyKey(record('m1'), () =>
      handleMultiStreamCommand(commands, move, moveOf(4, 'm1')),
    );
    // Later: the sender holds 1, so a decision on the state now would refuse, and b moved on.
    await store.append('b', credit(7));
    const head = await store.head();
    const kept = await store.readIdempotencyKey('alice', 'k1');
    const again = await replaying({ firstPosition: 0n, ...kept }, () =>
      handleMultiStreamCommand(commands, move, moveOf(4, 'm1')),
    );
    expect(again).toEqual(first);
    expect(await store.head()).toBe(head);
  });

  test('a refusal that committed with its key is rebuilt as the same refusal', async () => {
    const store = await funded(3);
    const commands = idempotentStore(store);
    await withIdempotencyKey(record('m1'), () =>
      handleMultiStreamCommand(commands, move, moveOf(5, 'm1')),
    ).catch(() => undefined);
    await store.append('a', credit(10));
    const head = await store.head();
    const kept = await store.readIdempotencyKey('alice', 'k1');
    expect(kept?.readVersions).toEqual({ a: 1, b: 0 });
    const again = await replaying({ firstPosition: 0n, ...kept }, () =>
      handleMultiStreamCommand(commands, move, moveOf(5, 'm1')),
    ).catch((e: unknown) => e);
    expect(isDomainError(again) && again.code).toBe('insufficient-funds');
    expect(await store.head()).toBe(head);
  });

  test('a rebuild that would decide otherwise is a ReplayMismatchError and writes nothing', async () => {
    const store = await funded(5);
    const commands = idempotentStore(store);
    await withIdempotencyKey(record('m1'), () => handleMultiStreamCommand(commands, move, moveOf(4, 'm1')));
    const head = await store.head();
    const kept = await store.readIdempotencyKey('alice', 'k1');
    // The decision changed since (a deploy): it now refuses, appending nothing.
    const stricter = multiStreamDecider({ streams: walletsOf, decide: () => fail('closed') });
    const other = await replaying({ firstPosition: 0n, ...kept }, () =>
      handleMultiStreamCommand(commands, stricter, moveOf(4, 'm1')),
    ).catch((e: unknown) => e);
    expect(isReplayMismatchError(other)).toBe(true);
    expect(await store.head()).toBe(head);
  });
});

test('each stream gets only its own events, and the decision sees each stream’s own state (compile time)', () => {
  const Noted = event('notes.Noted.v1', z.object({ text: z.string() }));
  const notes = decider<readonly string[], never, EventOf<typeof Noted>>({
    initialState: () => [],
    decide: () => [],
    evolve: (state, e) => [...state, e.data.text],
  });
  const streams = () => ({
    wallet: { streamId: 'w', decider: wallet },
    notes: { streamId: 'n', decider: notes },
  });
  const typed = multiStreamDecider({
    streams,
    decide: (_: MessageOf<typeof Move>, states) => ({
      wallet: [Credited({ amount: states.wallet.balance })],
      notes: [Noted({ text: states.notes.join() })],
    }),
  });
  multiStreamDecider({
    streams,
    // @ts-expect-error a wallet event is no event of the notes stream
    decide: () => ({ notes: [Credited({ amount: 1 })] }),
  });
  expect(Object.keys(typed.streams(moveOf(1, 'x')))).toEqual(['wallet', 'notes']);
});
