import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { StoreUnavailableError, isTimeoutError } from '../errors.js';
import { InMemoryEventStore } from '../inMemoryEventStore.js';
import { event } from '../message.js';
import type { RecordedEvent } from '../eventStore.js';
import { InMemoryProjectionStore } from './inMemoryProjectionStore.js';
import { projection, type Projection } from './projection.js';
import { ProjectionRunner, type RunnerNotice } from './projectionRunner.js';

const Deposited = event('test.Deposited.v1', z.object({ account: z.string(), amount: z.number() }));
const Noise = event('test.Noise.v1', z.object({}));

interface Balance {
  account: string;
  balance: number;
  deposits: number;
}

const balances = (version = 1, poison?: number) =>
  projection({
    name: 'test.balances',
    version,
    handles: [Deposited],
    id: (e) => e.data.account,
    indexes: ['account'],
    apply: (doc: Balance | undefined, e) => {
      if (e.data.amount === poison) throw new Error(`cannot apply amount ${poison}`);
      return {
        account: e.data.account,
        balance: (doc?.balance ?? 0) + e.data.amount * version,
        deposits: (doc?.deposits ?? 0) + 1,
      };
    },
  });

const counts = projection({
  name: 'test.counts',
  version: 1,
  handles: [Deposited],
  id: () => 'all',
  apply: (doc: { n: number } | undefined) => ({ n: (doc?.n ?? 0) + 1 }),
});

let runner: ProjectionRunner | undefined;
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

function setup(projections = [balances(), counts], notices: RunnerNotice[] = []) {
  const events = new InMemoryEventStore();
  const store = new InMemoryProjectionStore();
  runner = new ProjectionRunner({
    log: events,
    store,
    projections,
    batchSize: 7,
    pollIntervalMs: 50,
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    onNotice: (n) => notices.push(n),
  });
  return { events, store, runner };
}

const deposit = (account: string, amount: number) => [Deposited({ account, amount }), Noise({})];

describe('ProjectionRunner', () => {
  test('catches up from its checkpoint, follows new appends, and waitFor resolves on progress', async () => {
    const { events, store, runner } = setup();
    for (let i = 1; i <= 20; i++) await events.append(`a-${i % 3}`, deposit(`a${i % 3}`, i));
    await runner.start();
    const { position } = await events.append('a-1', deposit('a1', 100));
    await runner.waitFor(position, { timeoutMs: 2000 });
    const a1 = await store.documents<Balance>('test.balances').get('a1');
    expect(a1).toEqual({ account: 'a1', balance: 1 + 4 + 7 + 10 + 13 + 16 + 19 + 100, deposits: 8 });
    expect(await store.documents<{ n: number }>(counts).get('all')).toEqual({ n: 21 });
    const status = await runner.status();
    expect(status.map((s) => [s.name, s.position, s.lag, s.state])).toEqual([
      ['test.balances', position, 0n, 'running'],
      ['test.counts', position, 0n, 'running'],
    ]);
    expect(await store.documents<Balance>('test.balances').find('account', 'a2')).toHaveLength(1);
  });

  test('writers appending while it catches up: every event applied exactly once', async () => {
    const { events, store, runner } = setup();
    await runner.start();
    const writers = Array.from({ length: 5 }, async (_, w) => {
      for (let i = 0; i < 40; i++) await events.append(`w-${w}`, deposit(`w${w}`, 1));
    });
    await Promise.all(writers);
    await runner.waitFor(await events.head(), { timeoutMs: 5000 });
    for (let w = 0; w < 5; w++) {
      expect(await store.documents<Balance>('test.balances').get(`w${w}`)).toMatchObject({
        balance: 40,
        deposits: 40,
      });
    }
    expect(await store.documents<{ n: number }>(counts).get('all')).toEqual({ n: 200 });
  });

  test('waitFor rejects with a timeout when the projection cannot get there', async () => {
    const { events, runner } = setup([balances(1, 13)]);
    await runner.start();
    const { position } = await events.append('x', deposit('x', 13));
    const started = Date.now();
    const error: unknown = await runner.waitFor(position, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('a poison event stops only its projection, says why, retries, and an explicit skip is recorded', async () => {
    const notices: RunnerNotice[] = [];
    const { events, store, runner } = setup([balances(1, 13), counts], notices);
    await events.append('a', deposit('a', 1));
    const poison = await events.append('a', deposit('a', 13));
    await events.append('a', deposit('a', 2));
    await runner.start();
    await runner.waitFor(await events.head(), { projections: ['test.counts'] });
    await until(
      async () => (await runner.status())[0]?.failure?.attempts ?? 0,
      (n) => n >= 3,
    );
    const [stopped] = await runner.status();
    const [poisonEvent] = await events.readAll({ after: poison.position - 2n, limit: 1 });
    // The checkpoint stays at the last event applied before the poison.
    expect(stopped).toMatchObject({
      name: 'test.balances',
      state: 'stopped',
      position: poison.position - 3n,
    });
    expect(stopped?.failure).toMatchObject({
      position: poisonEvent?.position,
      eventId: poisonEvent?.id,
      eventType: 'test.Deposited.v1',
      message: 'cannot apply amount 13',
    });
    expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({ balance: 1 });
    expect(notices.some((n) => n.kind === 'failed')).toBe(true);

    await runner.skip('test.balances', poisonEvent!.position, 'bad amount, refunded by hand');
    await runner.waitFor(await events.head(), { timeoutMs: 2000 });
    expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({
      balance: 3,
      deposits: 2,
    });
    expect(await store.skips('test.balances')).toMatchObject([
      { position: poisonEvent?.position, eventId: poisonEvent?.id, reason: 'bad amount, refunded by hand' },
    ]);
    expect((await runner.status())[0]?.state).toBe('running');
  });

  test('a store that cannot be reached is no poison event: nothing is recorded as failed, and it carries on', async () => {
    /** Loses its connection on the first few batches it is given (the events themselves are fine). */
    class Unreachable extends InMemoryProjectionStore {
      outages = 4;
      override async applyBatch(
        projection: Projection,
        generation: number,
        events: readonly RecordedEvent[],
        from: bigint,
        to: bigint,
      ): Promise<void> {
        if (this.outages > 0) {
          this.outages--;
          throw new StoreUnavailableError('the connection to the store was lost');
        }
        return super.applyBatch(projection, generation, events, from, to);
      }
    }
    const notices: RunnerNotice[] = [];
    const events = new InMemoryEventStore();
    const store = new Unreachable();
    runner = new ProjectionRunner({
      log: events,
      store,
      projections: [balances()],
      pollIntervalMs: 50,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
      onNotice: (n) => notices.push(n),
    });
    await events.append('a', deposit('a', 1));
    await runner.start();
    const { position } = await events.append('a', deposit('a', 2));
    await runner.waitFor(position, { timeoutMs: 2000 });
    expect(store.outages).toBe(0);
    expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({
      balance: 3,
      deposits: 2,
    });
    // Said (a notice of kind 'error' each time), never taken for the events' fault.
    expect(notices.filter((n) => n.kind === 'error')).toHaveLength(4);
    expect(notices.filter((n) => n.kind === 'failed')).toEqual([]);
    expect((await store.record('test.balances'))?.failure).toBeNull();
    expect((await runner.status())[0]?.state).toBe('running');
  });

  test('a rebuild gives the same read model, and queries answer from the old one meanwhile', async () => {
    const { events, store, runner } = setup([balances()]);
    for (let i = 0; i < 400; i++) await events.append(`s-${i % 4}`, deposit(`a${i % 4}`, i));
    await runner.start();
    await runner.waitFor(await events.head());
    const before = await Promise.all(
      [0, 1, 2, 3].map((i) => store.documents<Balance>('test.balances').get(`a${i}`)),
    );
    await runner.rebuild('test.balances');
    let answeredDuringRebuild = 0;
    await until(
      async () => {
        const status = (await runner.status())[0];
        if (status?.state === 'rebuilding') {
          expect(await store.documents<Balance>('test.balances').get('a1')).toEqual(before[1]);
          answeredDuringRebuild++;
        }
        return status;
      },
      (s) => s?.state === 'running' && s.rebuild === null,
    );
    const after = await Promise.all(
      [0, 1, 2, 3].map((i) => store.documents<Balance>('test.balances').get(`a${i}`)),
    );
    expect(after).toEqual(before);
    expect((await store.record('test.balances'))?.generation).toBe(2);
    expect(answeredDuringRebuild).toBeGreaterThanOrEqual(1);
  });

  test('a new version is rebuilt by itself, while the old version keeps answering', async () => {
    const events = new InMemoryEventStore();
    const store = new InMemoryProjectionStore();
    for (let i = 0; i < 30; i++) await events.append('s', deposit('a', 1));
    const v1 = new ProjectionRunner({ log: events, store, projections: [balances(1)], pollIntervalMs: 20 });
    await v1.start();
    await v1.waitFor(await events.head());
    await v1.stop();
    expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({ balance: 30 });

    const notices: RunnerNotice[] = [];
    runner = new ProjectionRunner({
      log: events,
      store,
      projections: [balances(2)],
      batchSize: 5,
      pollIntervalMs: 20,
      onNotice: (n) => notices.push(n),
    });
    await runner.start();
    await until(
      async () => (await runner?.status())?.[0],
      (s) => s?.version === 2 && s.state === 'running',
    );
    expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({ balance: 60 });
    expect((await runner.status())[0]).toMatchObject({ version: 2, declaredVersion: 2, outdated: false });
    expect(notices.map((n) => n.kind)).toContain('rebuild-started');
    expect(notices.map((n) => n.kind)).toContain('rebuild-progress');
    expect(notices.map((n) => n.kind)).toContain('rebuild-completed');
  });
});

test('with autoRebuild off, an outdated projection stays as it is and its status says so', async () => {
  const events = new InMemoryEventStore();
  const store = new InMemoryProjectionStore();
  await events.append('s', deposit('a', 1));
  const v1 = new ProjectionRunner({ log: events, store, projections: [balances(1)], pollIntervalMs: 20 });
  await v1.start();
  await v1.waitFor(await events.head());
  await v1.stop();
  const v2 = new ProjectionRunner({
    log: events,
    store,
    projections: [balances(2)],
    pollIntervalMs: 20,
    autoRebuild: false,
  });
  await v2.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await v2.status())[0]).toMatchObject({ version: 1, declaredVersion: 2, outdated: true });
  expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({ balance: 1 });
  await v2.rebuild('test.balances');
  await until(
    async () => (await v2.status())[0],
    (s) => s?.outdated === false,
  );
  expect(await store.documents<Balance>('test.balances').get('a')).toMatchObject({ balance: 2 });
  await v2.stop();
});

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('projections at one position share each batch: the log is read once per batch, not once per projection', async () => {
  const events = new InMemoryEventStore();
  for (let i = 0; i < 40; i++)
    await events.append(`acc-${i % 3}`, [Deposited({ account: `acc-${i % 3}`, amount: 1 })]);
  /** The positions after which a batch with events was read, one entry per read. */
  const reads: bigint[] = [];
  const log = {
    head: () => events.head(),
    onAppended: (listener: () => void) => events.onAppended(listener),
    readAll: async (options?: { after?: bigint; limit?: number }) => {
      const batch = await events.readAll(options);
      if (batch.length > 0) reads.push(options?.after ?? 0n);
      return batch;
    },
  };
  const deposits = projection({
    name: 'test.deposits',
    version: 1,
    handles: [Deposited],
    id: (e) => e.data.account,
    apply: (doc: { n: number } | undefined) => ({ n: (doc?.n ?? 0) + 1 }),
  });
  runner = new ProjectionRunner({
    log,
    store: new InMemoryProjectionStore(),
    projections: [balances(), counts, deposits],
    batchSize: 7,
    pollIntervalMs: 50,
  });
  await runner.start();
  await runner.waitFor(40n, { timeoutMs: 2000 });
  // 40 events in batches of 7: six batches, each read once for the three projections.
  expect(reads).toEqual([0n, 7n, 14n, 21n, 28n, 35n]);
});
