import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { assertNever, decider, fail } from './decider.js';
import { ConcurrencyError, DomainError, isConcurrencyError, isDomainError } from './errors.js';
import type { EventStore } from './eventStore.js';
import { InMemoryEventStore } from './inMemoryEventStore.js';
import { command, event, type EventOf, type MessageOf } from './message.js';
import { handleCommand } from './commandHandler.js';
import { loadStream } from './loadStream.js';

const Add = command('counter.Add', z.object({ amount: z.bigint() }));
const Added = event('counter.Added.v1', z.object({ amount: z.bigint() }));
const Refused = event('counter.Refused.v1', z.object({ amount: z.bigint() }));
type CounterEvent = EventOf<typeof Added | typeof Refused>;

// A counter that refuses to go above 100 and records each refusal.
const counter = decider<{ total: bigint; refusals: number }, MessageOf<typeof Add>, CounterEvent>({
  initialState: () => ({ total: 0n, refusals: 0 }),
  decide(cmd, state) {
    if (state.total + cmd.data.amount > 100n) {
      return fail('limit-exceeded', {
        extensions: { limit: '100' },
        events: [Refused({ amount: cmd.data.amount })],
      });
    }
    return [Added({ amount: cmd.data.amount })];
  },
  evolve(state, e) {
    switch (e.type) {
      case 'counter.Added.v1':
        return { ...state, total: state.total + e.data.amount };
      case 'counter.Refused.v1':
        return { ...state, refusals: state.refusals + 1 };
      default:
        return assertNever(e);
    }
  },
});

describe('handleCommand', () => {
  test('loads, decides, appends and answers with version and position', async () => {
    const store = new InMemoryEventStore();
    await store.append('other', [{ type: 'x', data: {} }]);
    const first = await handleCommand(store, counter, 'c-1', Add({ amount: 5n }));
    const second = await handleCommand(store, counter, 'c-1', Add({ amount: 7n }));
    expect([first.version, first.position, second.version, second.position]).toEqual([1, 2n, 2, 3n]);
    expect(second.state.total).toBe(12n);
    expect((await loadStream(store, counter, 'c-1')).state.total).toBe(12n);
  });

  test('events carry the command context and ids derived from the command', async () => {
    const store = new InMemoryEventStore();
    const principal = { id: 'p', roles: [] };
    const cmd = Add({ amount: 1n }, { messageId: 'cmd-1', correlationId: 'corr', principal });
    await handleCommand(store, counter, 'c', cmd);
    const [recorded] = await store.readStream('c');
    expect(recorded?.id).toBe('cmd-1:0');
    expect(recorded?.metadata).toMatchObject({ correlationId: 'corr', causationId: 'cmd-1', principal });
  });

  test('the same command sent twice appends once', async () => {
    const store = new InMemoryEventStore();
    const cmd = Add({ amount: 3n });
    const first = await handleCommand(store, counter, 'c', cmd);
    await handleCommand(store, counter, 'c', Add({ amount: 4n }));
    const again = await handleCommand(store, counter, 'c', cmd);
    expect(again.position).toBe(first.position);
    expect(again.version).toBe(1);
    // The state it answers is the state after its first handling.
    expect(again.state.total).toBe(3n);
    expect(await store.streamVersion('c')).toBe(2);
  });

  test('a rejection records its events and throws a DomainError with its code', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, counter, 'c', Add({ amount: 100n }));
    const error: unknown = await handleCommand(store, counter, 'c', Add({ amount: 1n })).catch(
      (e: unknown) => e,
    );
    expect(isDomainError(error) && error.code).toBe('limit-exceeded');
    expect((error as DomainError).extensions).toEqual({ limit: '100' });
    expect((await store.readStream('c')).map((e) => e.type)).toEqual([
      'counter.Added.v1',
      'counter.Refused.v1',
    ]);
  });

  test('concurrent commands on one stream all succeed through retries', async () => {
    const store = new InMemoryEventStore();
    const slow = slowReads(store);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        handleCommand(slow, counter, 'c', Add({ amount: 1n }), { retry: { attempts: 50 } }),
      ),
    );
    expect((await loadStream(store, counter, 'c')).state.total).toBe(10n);
  });

  test('retries are bounded: a conflict that persists reaches the caller', async () => {
    const store = new InMemoryEventStore();
    let appends = 0;
    const alwaysConflicting: EventStore = {
      ...bind(store),
      append: () => {
        appends++;
        return Promise.reject(new ConcurrencyError('c', '0', 1));
      },
      appendMany: () => {
        appends++;
        return Promise.reject(new ConcurrencyError('c', '0', 1));
      },
    };
    const error = await handleCommand(alwaysConflicting, counter, 'c', Add({ amount: 1n }), {
      retry: { attempts: 3, baseDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(isConcurrencyError(error)).toBe(true);
    expect(appends).toBe(3);
  });

  test('with a snapshot policy, state loads from the snapshot plus the tail', async () => {
    const store = new InMemoryEventStore();
    const snapshots = { store, name: 'counter.v1', every: 3 };
    for (let i = 0; i < 7; i++) await handleCommand(store, counter, 'c', Add({ amount: 2n }), { snapshots });
    expect(await store.readSnapshot('c', 'counter.v1')).toEqual({
      version: 6,
      state: { total: 12n, refusals: 0 },
    });
    const loaded = await loadStream(store, counter, 'c', snapshots);
    expect(loaded).toEqual({ version: 7, state: { total: 14n, refusals: 0 } });
    // The snapshot really is used: tamper with it and the loaded state follows.
    await store.writeSnapshot('c', 'counter.v1', { version: 6, state: { total: 1000n, refusals: 0 } });
    expect((await loadStream(store, counter, 'c', snapshots)).state.total).toBe(1002n);
  });
});

function bind(store: InMemoryEventStore): EventStore {
  return {
    append: store.append.bind(store),
    appendMany: store.appendMany.bind(store),
    readStream: store.readStream.bind(store),
    streamVersion: store.streamVersion.bind(store),
  };
}

/** Reads that take a little while, so that concurrent commands really interleave. */
function slowReads(store: InMemoryEventStore): EventStore {
  return {
    ...bind(store),
    readStream: async (...args) => {
      const events = await store.readStream(...args);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return events;
    },
  };
}
