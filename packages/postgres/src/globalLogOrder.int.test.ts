// Guarantee 4: a follower of the global log never skips an event, even though writers in many processes
// commit out of order. The concurrency test holds append transactions back for random times (a hook on
// the writers' pools, test-side, delays each append_batch before it is sent and so before it takes the
// append lock), so transactions commit in an order
// unrelated to the order they started in, and checks two followers against what the writers were told.
// The negative control shows that the same checks catch a skip when positions are not commit-ordered.
import { subscribe, type StreamAppend } from '@janus/core';
import { hookAppends } from '@janus/test-support/appendHook';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPool } from './pool.js';
import { PostgresEventStore } from './postgresEventStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

const WRITERS = 16;
/** Appends in flight per writer at once, so that group commit forms batches of several appends. */
const LANES = 3;
const APPENDS_PER_LANE = 40;
/** Writers stop after this long even when they have not made all their appends. */
const WRITE_FOR_MS = 6_000;
const MAX_APPEND_DELAY_MS = 50;
const READ_LIMIT = 100;
const STREAMS = 48;

/** An event as a follower sees it: enough to compare sequences. */
interface Seen {
  readonly position: bigint;
  readonly id: string;
}

/** The part of the global log a polling follower uses. */
interface Log {
  readAll(options: { after: bigint; limit: number }): Promise<readonly Seen[]>;
  head(): Promise<bigint>;
}

/**
 * One follower's view, checked against the positions writers were acknowledged (`acked`, in the order
 * the acknowledgements arrived). Problems are collected, not thrown, so that a run reports all of them.
 */
class FollowerCheck {
  readonly seen: Seen[] = [];
  readonly problems: string[] = [];
  checkpoint = 0n;
  /** How often the follower found itself caught up, and how often while writers were still writing. */
  caughtUpCount = 0;
  caughtUpWhileWriting = 0;
  readonly #seenPositions = new Set<bigint>();
  readonly #seenIds = new Set<string>();
  /** acked[0 .. #verified) were seen by an earlier caught-up observation (and stay seen). */
  #verified = 0;

  constructor(readonly acked: readonly bigint[]) {}

  see(event: Seen): void {
    if (event.position <= this.checkpoint) {
      this.problems.push(`position ${event.position} (${event.id}) came after ${this.checkpoint}`);
    }
    if (this.#seenIds.has(event.id)) this.problems.push(`event ${event.id} was seen twice`);
    this.#seenIds.add(event.id);
    this.#seenPositions.add(event.position);
    this.seen.push(event);
    this.checkpoint = event.position;
  }

  /**
   * The follower believes it is caught up. Every position acknowledged before the read that told it so
   * started (the first `ackedBefore` of `acked`) must be at or below its checkpoint, and seen.
   */
  caughtUp(ackedBefore: number, writing: boolean): void {
    this.caughtUpCount++;
    if (writing) this.caughtUpWhileWriting++;
    for (; this.#verified < ackedBefore; this.#verified++) {
      const position = this.acked[this.#verified]!;
      if (position > this.checkpoint || !this.#seenPositions.has(position)) {
        this.problems.push(
          `position ${position} was acknowledged before the read started, but the follower caught up at ` +
            `${this.checkpoint} without seeing it`,
        );
      }
    }
  }
}

/** One read of a polling follower; true when it found itself caught up (and checked that). */
async function pollOnce(log: Log, check: FollowerCheck, writing: boolean): Promise<boolean> {
  const ackedBefore = check.acked.length;
  const batch = await log.readAll({ after: check.checkpoint, limit: READ_LIMIT });
  for (const event of batch) check.see(event);
  if (batch.length === 0) {
    check.caughtUp(ackedBefore, writing);
    return true;
  }
  if (batch.length < READ_LIMIT) {
    const ackedBeforeHead = check.acked.length;
    if (check.checkpoint >= (await log.head())) {
      check.caughtUp(ackedBeforeHead, writing);
      return true;
    }
  }
  return false;
}

const key = (e: Seen) => `${e.position}:${e.id}`;

/** Transactions that committed ahead of one that started before them, and the pairs so inverted. */
function reorderings(batches: readonly { readonly first: bigint | undefined }[]) {
  // Index in `batches` is start order; sorting by first position gives commit order.
  const started = batches.flatMap((b, start) => (b.first === undefined ? [] : [{ start, first: b.first }]));
  const committed = started.toSorted((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let overtakers = 0;
  let inversions = 0;
  let earliestStartCommittedLater = Infinity;
  for (let i = committed.length - 1; i >= 0; i--) {
    const batch = committed[i]!;
    if (earliestStartCommittedLater < batch.start) overtakers++;
    earliestStartCommittedLater = Math.min(earliestStartCommittedLater, batch.start);
    for (let j = i + 1; j < committed.length; j++) if (committed[j]!.start < batch.start) inversions++;
  }
  return { transactions: committed.length, overtakers, inversions };
}

let database: TestDatabase;

describe.skipIf(skipPostgres)('the PostgreSQL global log', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_global_order');
  });
  afterAll(async () => {
    await database.drop();
  });

  test(`${WRITERS} writers committing out of order: followers see every event once, in order, never skipping`, async () => {
    const schema = 'order_test';
    /** Every acknowledged event position, in the order the acknowledgements arrived. */
    const acked: bigint[] = [];
    /** Event id → the position its append was acknowledged with. */
    const ackedIds = new Map<string, bigint>();
    /** Append transactions in the order they started (the delay hook runs as one is sent). */
    const batches: { first: bigint | undefined }[] = [];
    const run = { writing: true };

    const writers = await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        // Which batch (transaction) carried each call: a store sends everything queued when it starts one.
        const calls = { queued: 0, assigned: 0, batchOf: [] as number[] };
        const pool = hookAppends(createPool(database.url, { max: 2 }), () => {
          for (; calls.assigned < calls.queued; calls.assigned++)
            calls.batchOf[calls.assigned] = batches.length;
          batches.push({ first: undefined });
          return Math.random() * MAX_APPEND_DELAY_MS;
        });
        const store = await PostgresEventStore.open(pool, { schema });
        return { store, pool, calls };
      }),
    );
    const follower = await PostgresEventStore.open(database.url, { schema, poolSize: 2 });
    const poller = await PostgresEventStore.open(database.url, { schema, poolSize: 2 });
    let notifications = 0;
    const stopCounting = follower.onAppended(() => notifications++);

    // The subscribe follower: core's subscribe on its own store, woken by LISTEN/NOTIFY and polling.
    const stop = new AbortController();
    const subscribed = new FollowerCheck(acked);
    const subscription = (async () => {
      const events = subscribe(follower, { signal: stop.signal, pollIntervalMs: 200, batchSize: READ_LIMIT });
      for await (const event of events) subscribed.see(event);
    })();

    // The polling follower: readAll after its checkpoint in a tight loop, checking every caught-up.
    const polled = new FollowerCheck(acked);
    const polling = (async () => {
      const giveUpAt = Date.now() + WRITE_FOR_MS + 20_000;
      while (!stop.signal.aborted) {
        const writersDone = !run.writing;
        if ((await pollOnce(poller, polled, !writersDone)) && writersDone) return;
        if (Date.now() > giveUpAt) {
          polled.problems.push('the polling follower never caught up after the writers finished');
          return;
        }
      }
    })();

    try {
      // The writers: each lane appends one event, several events, or several streams at once.
      const started = performance.now();
      const deadline = Date.now() + WRITE_FOR_MS;
      let appendCount = 0;
      const lane = async (writer: number, laneNo: number) => {
        const { store, calls } = writers[writer]!;
        for (let n = 0; n < APPENDS_PER_LANE && Date.now() < deadline; n++) {
          const appends = randomAppends(`w${writer}-l${laneNo}-a${n}`);
          const call = calls.queued++;
          const result = await store.appendMany(appends);
          appendCount++;
          const batch = batches[calls.batchOf[call] ?? -1];
          result.streams.forEach((stream, i) => {
            const events = appends[i]!.events;
            events.forEach((event, j) => {
              const position = stream.position - BigInt(events.length - 1 - j);
              acked.push(position);
              ackedIds.set(event.id!, position);
              if (batch && (batch.first === undefined || position < batch.first)) batch.first = position;
            });
          });
        }
      };
      await Promise.all(writers.flatMap((_, w) => Array.from({ length: LANES }, (_, l) => lane(w, l))));
      const writeSeconds = (performance.now() - started) / 1000;
      run.writing = false;

      await polling;
      const total = acked.length;
      const waitUntil = Date.now() + 15_000;
      while (subscribed.seen.length < total && Date.now() < waitUntil) await sleep(20);
      await sleep(300); // anything more the subscription yields now would be a duplicate
      stop.abort();
      await subscription;

      const all = await poller.readAll({ after: 0n, limit: total + 1000 });
      const stats = reorderings(batches);
      console.log(
        `global log order: ${WRITERS} writers, ${appendCount} appends, ${total} events in ` +
          `${writeSeconds.toFixed(1)} s (${Math.round(total / writeSeconds)} events/s, ` +
          `${Math.round(stats.transactions / writeSeconds)} commits/s); ` +
          `${stats.transactions} append transactions, ${stats.overtakers} committed ahead of an earlier-started ` +
          `one (${stats.inversions} inverted pairs); polling follower caught up ${polled.caughtUpCount} times ` +
          `(${polled.caughtUpWhileWriting} while writing); ${notifications} notifications reached the follower`,
      );

      // The poller never caught up past an acknowledged event, and neither follower went backwards or
      // saw an event twice; both saw exactly the store's log, which is what the writers were told.
      expect(polled.problems).toEqual([]);
      expect(subscribed.problems).toEqual([]);
      expect(polled.seen.map(key)).toEqual(all.map(key));
      expect(subscribed.seen.map(key)).toEqual(all.map(key));
      expect(all).toHaveLength(total);
      expect(ackedIds.size).toBe(total);
      expect(all.filter((e) => ackedIds.get(e.id) !== e.position).map(key)).toEqual([]);
      expect(all.filter((e, i) => i > 0 && e.position <= all[i - 1]!.position).map(key)).toEqual([]);
      // The run tested something: transactions did commit out of start order, and the poller checked
      // caught-up observations while writers were still committing.
      expect(stats.overtakers).toBeGreaterThan(0);
      expect(polled.caughtUpWhileWriting).toBeGreaterThan(0);
    } finally {
      run.writing = false;
      stop.abort();
      await Promise.allSettled([subscription, polling]);
      stopCounting();
      await Promise.all([...writers.map((w) => w.store.close()), follower.close(), poller.close()]);
      await Promise.all(writers.map((w) => w.pool.end()));
    }
  });

  test('an append waits for the commit of an earlier one that holds the append lock', async () => {
    const schema = 'lock_test';
    const store = await PostgresEventStore.open(database.url, { schema, poolSize: 2 });
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      // An append of another process, by hand: the append lock, then its event, uncommitted.
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('janus.append:${schema}'))`);
      await holder.query(
        `INSERT INTO "${schema}".events (event_id, stream_id, version, type, metadata, recorded_at)
         VALUES ('early-1', 'early', 1, 'E', '{}', now())`,
      );
      const later = store.append('later', [{ id: 'later-1', type: 'L', data: {} }]);
      // The later append is blocked on the advisory lock, not merely slow.
      await waitFor(async () => {
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`,
        );
        return rows[0]!.n === 1;
      });
      expect(await store.readAll()).toEqual([]);
      await holder.query('COMMIT');
      const { position } = await later;
      expect((await store.readAll()).map((e) => [e.id, e.position])).toEqual([
        ['early-1', 1n],
        ['later-1', position],
      ]);
      expect(position).toBeGreaterThan(1n);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  test('negative control: without commit-ordered positions, a `position > checkpoint` reader skips', async () => {
    // Two writers on a plain bigserial: the one that took the lower id commits later.
    const [early, late, reader] = [0, 1, 2].map(() => new pg.Client({ connectionString: database.url }));
    await Promise.all([early!.connect(), late!.connect(), reader!.connect()]);
    try {
      await reader!.query('CREATE TABLE control_log (id bigserial PRIMARY KEY, label text NOT NULL)');
      const log: Log = {
        async readAll({ after, limit }) {
          const { rows } = await reader!.query<{ id: string; label: string }>(
            'SELECT id, label FROM control_log WHERE id > $1 ORDER BY id LIMIT $2',
            [after.toString(), limit],
          );
          return rows.map((r) => ({ position: BigInt(r.id), id: r.label }));
        },
        async head() {
          const { rows } = await reader!.query<{ head: string }>(
            'SELECT coalesce(max(id), 0) AS head FROM control_log',
          );
          return BigInt(rows[0]!.head);
        },
      };
      const insert = `INSERT INTO control_log (label) VALUES ($1) RETURNING id`;
      const acked: bigint[] = [];
      const check = new FollowerCheck(acked);

      await early!.query('BEGIN');
      const lower = BigInt((await early!.query<{ id: string }>(insert, ['lower'])).rows[0]!.id);
      await late!.query('BEGIN');
      const higher = BigInt((await late!.query<{ id: string }>(insert, ['higher'])).rows[0]!.id);
      await late!.query('COMMIT');
      acked.push(higher);
      expect(await pollOnce(log, check, true)).toBe(true); // caught up at the higher id
      await early!.query('COMMIT');
      acked.push(lower);
      expect(await pollOnce(log, check, true)).toBe(true); // caught up again, the lower id behind it

      expect(lower).toBeLessThan(higher);
      expect(check.problems).toEqual([
        `position ${lower} was acknowledged before the read started, but the follower caught up at ` +
          `${higher} without seeing it`,
      ]);
      const all = await log.readAll({ after: 0n, limit: 10 });
      expect(check.seen.map(key)).not.toEqual(all.map(key));
    } finally {
      await Promise.all([early!.end(), late!.end(), reader!.end()]);
    }
  });
});

/** One append: a single event (half), several events on one stream, or several streams at once. */
function randomAppends(idPrefix: string): StreamAppend[] {
  const kind = Math.random();
  const streamCount = kind < 0.8 ? 1 : 2 + randomInt(2);
  const streams = new Set<string>();
  while (streams.size < streamCount) streams.add(`account-${randomInt(STREAMS)}`);
  return [...streams].map((streamId, s) => {
    const eventCount = kind < 0.5 ? 1 : kind < 0.8 ? 2 + randomInt(4) : 1 + randomInt(3);
    return {
      streamId,
      events: Array.from({ length: eventCount }, (_, e) => ({
        id: `${idPrefix}-s${s}-e${e}`,
        type: 'test.Happened.v1',
        data: { s, e },
      })),
    };
  });
}

function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
