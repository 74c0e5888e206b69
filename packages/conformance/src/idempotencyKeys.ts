import { describe, expect, test } from 'vitest';
import {
  DomainError,
  idempotentStore,
  isIdempotencyKeyConflictError,
  isReplayMismatchError,
  replaying,
  withIdempotencyKey,
  type EventStore,
  type NewIdempotencyRecord,
  type StreamIndex,
} from '@janus/core';
import {
  ev,
  events,
  expectConcurrencyError,
  expectUnchanged,
  expectValidationError,
  picture,
  rejection,
  useStores,
} from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';

const HOUR = 3_600_000;
const record = (
  key: string,
  messageId: string,
  expiresInMs = HOUR,
  scope = 'alice',
): NewIdempotencyRecord => ({
  scope,
  key,
  fingerprint: `fingerprint-${messageId}`,
  messageId,
  issuedAt: '2025-01-01T00:00:00.000Z',
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
});
/** A record as a store answers it: its expiry normalized to ISO 8601 UTC (milliseconds). */
const stored = (r: NewIdempotencyRecord, extra: object = {}) => ({
  ...r,
  expiresAt: new Date(r.expiresAt).toISOString(),
  ...extra,
});

async function expectKeyConflict(promise: Promise<unknown>): Promise<void> {
  expectKeyConflictError(await rejection(promise));
}

function expectKeyConflictError(error: unknown): void {
  expect(isIdempotencyKeyConflictError(error), String(error)).toBe(true);
}

/**
 * Idempotency keys (guarantee 7): a key record commits in its append's own transaction, with its events
 * and only with them, apart from the global log; a key in use refuses the append that carries it.
 */
export function describeIdempotencyKeys(target: ConformanceTarget): void {
  describe('idempotency keys', () => {
    const stores = useStores(target);

    test('a key record commits with its append, knows its first position, and stays out of the log', async () => {
      const store = await stores.create();
      await store.append('before', events(2));
      const key = record('k1', 'm1');
      const result = await store.appendMany(
        [
          { streamId: 'a', events: events(2, 'a') },
          { streamId: 'b', events: events(1, 'b') },
        ],
        { idempotencyKey: key },
      );
      expect(result.position).toBe(5n);
      expect(await store.readIdempotencyKey('alice', 'k1')).toEqual(stored(key, { firstPosition: 3n }));
      // Nowhere a reader of the log, or of the streams, would see it.
      expect((await store.readAll()).map((e) => e.streamId)).toEqual(['before', 'before', 'a', 'a', 'b']);
      expect(await store.head()).toBe(5n);
      const index = store as Partial<StreamIndex>;
      if (index.listStreams) {
        expect((await index.listStreams()).map((s) => s.streamId)).toEqual(['a', 'b', 'before']);
      }
      // Keys are per scope: the same key of another caller is another record.
      expect(await store.readIdempotencyKey('bob', 'k1')).toBeUndefined();
    });

    test('an append that fails writes no record', async () => {
      const store = await stores.create();
      await store.append('s', events(1));
      const seen = await picture(store, ['s']);
      await expectConcurrencyError(
        store.appendMany([{ streamId: 's', events: events(1), expectedVersion: 0 }], {
          idempotencyKey: record('k1', 'm1'),
        }),
      );
      await expectValidationError(
        store.appendMany([{ streamId: '', events: events(1) }], { idempotencyKey: record('k1', 'm1') }),
      );
      // A record that is not one: refused, nothing written.
      await expectValidationError(
        store.appendMany([{ streamId: 's', events: events(1) }], {
          idempotencyKey: { ...record('k1', 'm1'), expiresAt: 'never' },
        }),
      );
      await expectValidationError(
        store.appendMany([{ streamId: 's', events: events(1) }], {
          idempotencyKey: { ...record('k1', 'm1'), scope: '' },
        }),
      );
      expect(await store.readIdempotencyKey('alice', 'k1')).toBeUndefined();
      await expectUnchanged(store, seen);
    });

    test('a key in use refuses that append alone, which writes nothing', async () => {
      const store = await stores.create();
      await store.appendMany([{ streamId: 's', events: events(1) }], { idempotencyKey: record('k1', 'm1') });
      const seen = await picture(store, ['s', 't', 'u']);
      // Sent together, so that a store batching its appends writes them in one batch.
      const [conflicting, other] = await Promise.allSettled([
        store.appendMany([{ streamId: 't', events: events(1) }], { idempotencyKey: record('k1', 'm2') }),
        store.appendMany([{ streamId: 'u', events: events(1) }], { idempotencyKey: record('k2', 'm3') }),
      ]);
      expect(conflicting.status).toBe('rejected');
      if (conflicting.status === 'rejected') expectKeyConflictError(conflicting.reason);
      expect(other.status).toBe('fulfilled');
      expect(await store.readStream('t')).toEqual([]);
      expect((await store.readStream('u')).length).toBe(1);
      expect((await store.readIdempotencyKey('alice', 'k1'))?.messageId).toBe('m1');
      expect((await store.readIdempotencyKey('alice', 'k2'))?.messageId).toBe('m3');
      expect(await store.head()).toBe(seen.head + 1n);
    });

    test('of N concurrent appends with the same key, exactly one commits', async () => {
      const store = await stores.create();
      const n = 12;
      const outcomes = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          store.appendMany([{ streamId: `s-${i}`, events: events(2) }], {
            idempotencyKey: record('k1', `m-${i}`),
          }),
        ),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expectKeyConflictError(outcome.reason);
      }
      expect(await store.head()).toBe(2n);
      const kept = await store.readIdempotencyKey('alice', 'k1');
      expect(kept?.messageId).toBe(`m-${won[0] ?? -1}`);
      expect(kept?.firstPosition).toBe(1n);
    });

    test('expired records are ignored, replaced and deleted', async () => {
      const store = await stores.create();
      await store.appendMany([{ streamId: 'a', events: events(1) }], {
        idempotencyKey: record('old', 'm1', -1000),
      });
      await store.appendMany([{ streamId: 'b', events: events(1) }], {
        idempotencyKey: record('gone', 'm2', -1000),
      });
      await store.saveIdempotencyAnswer({ ...record('answered', 'm3', -1000), answer: { status: 201 } });
      const live = record('live', 'm4');
      await store.appendMany([{ streamId: 'c', events: events(1) }], { idempotencyKey: live });
      expect(await store.readIdempotencyKey('alice', 'old')).toBeUndefined();
      expect(await store.readIdempotencyKey('alice', 'answered')).toBeUndefined();
      // An expired key is a new request: its record is replaced.
      const renewed = record('old', 'm5');
      await store.appendMany([{ streamId: 'd', events: events(1) }], { idempotencyKey: renewed });
      expect(await store.readIdempotencyKey('alice', 'old')).toEqual(stored(renewed, { firstPosition: 4n }));
      const answer = { ...record('answered', 'm6'), answer: { status: 422 } };
      expect(await store.saveIdempotencyAnswer(answer)).toEqual(stored(answer));
      // 'gone' is expired and deleted; 'old' and 'answered' were replaced by live ones.
      expect(await store.deleteExpiredIdempotencyKeys()).toBe(1);
      expect(await store.deleteExpiredIdempotencyKeys()).toBe(0);
      expect(await store.readIdempotencyKey('alice', 'live')).toEqual(stored(live, { firstPosition: 3n }));
      // Deleting keys never touches the log.
      expect(await store.head()).toBe(4n);
    });

    test('an answer is saved once; a loser of a race gets the record as stored', async () => {
      const store = await stores.create();
      const key = record('k1', 'm1');
      await store.appendMany([{ streamId: 's', events: events(1) }], { idempotencyKey: key });
      const answer = { status: 201, body: { id: 'x', amount: 12n }, problem: false };
      expect(await store.saveIdempotencyAnswer({ ...key, answer })).toEqual(
        stored(key, { firstPosition: 1n, answer }),
      );
      // Saved before: kept as it is.
      expect(await store.saveIdempotencyAnswer({ ...key, answer: { status: 500 } })).toEqual(
        stored(key, { firstPosition: 1n, answer }),
      );
      // Another request's record holds the key: its record, unchanged.
      expect(await store.saveIdempotencyAnswer({ ...record('k1', 'm2'), answer: { status: 422 } })).toEqual(
        stored(key, { firstPosition: 1n, answer }),
      );
      expect(await store.readIdempotencyKey('alice', 'k1')).toEqual(
        stored(key, { firstPosition: 1n, answer }),
      );

      // Answer-only records (a refusal that appended nothing), saved concurrently: one wins, all see it.
      const racing = Array.from({ length: 8 }, (_, i) => ({ ...record('k2', `r-${i}`), answer: { n: i } }));
      const saved = await Promise.all(racing.map((r) => store.saveIdempotencyAnswer(r)));
      expect(new Set(saved.map((s) => s.messageId)).size).toBe(1);
      const winner = saved[0];
      expect(saved.every((s) => JSON.stringify(s) === JSON.stringify(winner))).toBe(true);
      expect(winner?.firstPosition).toBeUndefined();
      expect(await store.readIdempotencyKey('alice', 'k2')).toEqual(winner);
      // And an append with that key now finds it in use.
      await expectKeyConflict(
        store.appendMany([{ streamId: 't', events: events(1) }], { idempotencyKey: record('k2', 'm9') }),
      );
      expect(await store.head()).toBe(1n);
    });

    test('an append that replays stored events writes no record', async () => {
      const store = await stores.create();
      await store.append('s', events(1, 'e'));
      await store.appendMany([{ streamId: 's', events: events(1, 'e') }], {
        idempotencyKey: record('k1', 'm1'),
      });
      expect(await store.readIdempotencyKey('alice', 'k1')).toBeUndefined();
    });

    test('a key record keeps the stream versions its command read, in every append of a batch', async () => {
      const store = await stores.create();
      await store.append('a', events(2));
      const keys = [
        { ...record('k1', 'm1'), readVersions: { a: 2, limits: 7, 'odd "id"': 0 } },
        { ...record('k2', 'm2'), readVersions: {} },
        record('k3', 'm3'),
      ];
      // Sent together, so that a store batching its appends writes them in one batch.
      await Promise.all(
        keys.map((key, i) =>
          store.appendMany([{ streamId: `s-${i}`, events: events(1) }], { idempotencyKey: key }),
        ),
      );
      for (const key of keys) {
        const kept = await store.readIdempotencyKey('alice', key.key);
        expect(kept).toMatchObject(stored(key));
        expect(kept?.readVersions).toEqual(key.readVersions);
      }
      await expectValidationError(
        store.appendMany([{ streamId: 't', events: events(1) }], {
          idempotencyKey: { ...record('k4', 'm4'), readVersions: { a: -1 } },
        }),
      );
      expect(await store.readIdempotencyKey('alice', 'k4')).toBeUndefined();
    });

    test('a lost answer is rebuilt from each stream at the version its command read', async () => {
      const store = await stores.create();
      await store.append('limit', events(1));
      // Counts into 'c' up to the limit (the number of events in 'limit', a stream it only reads); answers
      // the limit it decided on.
      const count = async (commands: EventStore, messageId: string, meanwhile?: () => Promise<unknown>) => {
        const limit = (await commands.readStream('limit')).length;
        // Another writer, between the command's reads and its append.
        await meanwhile?.();
        const c = await commands.readStream('c');
        if (c.length >= limit) throw new DomainError('over-limit');
        const result = await commands.appendMany([
          {
            streamId: 'c',
            events: [ev('test.counted', { limit }, `${messageId}:0`)],
            expectedVersion: c.length,
          },
        ]);
        return { limit, position: result.position };
      };
      const commands = idempotentStore(store);
      const first = await withIdempotencyKey(record('k1', 'm1'), () =>
        count(commands, 'm1', () => store.append('limit', events(1))),
      );
      expect(first.limit).toBe(1);
      const kept = await store.readIdempotencyKey('alice', 'k1');
      expect(kept?.readVersions).toEqual({ limit: 1, c: 0 });
      const head = await store.head();
      const firstPosition = kept?.firstPosition ?? 0n;
      // Its answer was lost: the rebuild answers what the first run answered, writing nothing.
      expect(await replaying({ ...kept, firstPosition }, () => count(commands, 'm1'))).toEqual(first);
      // A rebuild that decides otherwise (code changed since: other events) is refused, writing nothing.
      const other = await rejection(replaying({ ...kept, firstPosition }, () => count(commands, 'm2')));
      expect(isReplayMismatchError(other), String(other)).toBe(true);
      expect(await store.head()).toBe(head);
    });

    test('key records are durable: a reopened store has them', async () => {
      if (!target.reopen) return;
      let store: StoreUnderTest = await stores.create();
      const key = { ...record('k1', 'm1'), readVersions: { s: 0 } };
      await store.appendMany([{ streamId: 's', events: events(1) }], { idempotencyKey: key });
      await store.saveIdempotencyAnswer({ ...key, answer: { status: 201 } });
      store = await stores.reopen(store);
      expect(await store.readIdempotencyKey('alice', 'k1')).toEqual(
        stored(key, { firstPosition: 1n, answer: { status: 201 } }),
      );
    });
  });
}
