// The statistics against a brute-force count over the raw events: random data, random ranges, and the
// edges of [from, to) and of minute buckets.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { after, serveAnalytics, type TestAnalytics } from '../testing/analyticsServer.js';

let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics();
});
afterAll(() => server.close());

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const BASE = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

interface Raw {
  readonly userId: string;
  readonly eventType: string;
  readonly at: number;
}

async function track(events: readonly Raw[]): Promise<number> {
  let position = 0;
  for (let i = 0; i < events.length; i += 1000) {
    const answer = await server.call('POST', '/events/batch', {
      json: {
        events: events
          .slice(i, i + 1000)
          .map((e) => ({ userId: e.userId, eventType: e.eventType, timestamp: iso(e.at) })),
      },
    });
    expect(answer.status, answer.text).toBe(201);
    position = answer.body.position as number;
  }
  return position;
}

const query = (eventType: string, from: number | undefined, to: number | undefined, position: number) => {
  const params = [from === undefined ? '' : `from=${iso(from)}`, to === undefined ? '' : `to=${iso(to)}`];
  const q = params.filter((p) => p !== '').join('&');
  return server.call('GET', `/stats/events/${eventType}${q ? `?${q}` : ''}`, { headers: after(position) });
};

function bruteForce(events: readonly Raw[], eventType: string, from?: number, to?: number) {
  const inRange = events.filter(
    (e) =>
      e.eventType === eventType && (from === undefined || e.at >= from) && (to === undefined || e.at < to),
  );
  return { count: inRange.length, uniqueUsers: new Set(inRange.map((e) => e.userId)).size };
}

let run = 0;

test('counts, unique users and top types equal a brute-force count over the raw events', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          user: fc.integer({ min: 0, max: 7 }),
          type: fc.constantFrom('view', 'click', 'purchase'),
          offset: fc.integer({ min: 0, max: 10 * MINUTE - 1 }),
        }),
        { minLength: 1, maxLength: 150 },
      ),
      fc.array(
        fc.record({
          type: fc.constantFrom('view', 'click', 'purchase'),
          from: fc.option(fc.integer({ min: 0, max: 11 }), { nil: undefined }),
          length: fc.option(fc.integer({ min: 1, max: 11 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      async (generated, ranges) => {
        // Each run has its own day, and its own type names: runs never see each other's events.
        run += 1;
        const day = BASE + run * DAY;
        const events: Raw[] = generated.map((g) => ({
          userId: `user-${g.user}`,
          eventType: `r${run}-${g.type}`,
          at: day + g.offset,
        }));
        const position = await track(events);
        for (const range of ranges) {
          const eventType = `r${run}-${range.type}`;
          const from = range.from === undefined ? undefined : day + range.from * MINUTE;
          const to = range.length === undefined ? undefined : (from ?? day) + range.length * MINUTE;
          const answer = await query(eventType, from, to, position);
          expect(answer.status, answer.text).toBe(200);
          expect(answer.body).toMatchObject(bruteForce(events, eventType, from, to));
        }
        const top = await server.call('GET', `/stats/top?from=${iso(day)}&to=${iso(day + DAY)}&limit=2`, {
          headers: after(position),
        });
        const counts = new Map<string, number>();
        for (const e of events) counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1);
        const expected = [...counts]
          .map(([eventType, count]) => ({ eventType, count }))
          .sort((a, b) => b.count - a.count || (a.eventType < b.eventType ? -1 : 1))
          .slice(0, 2);
        expect(top.body.items).toEqual(expected);
      },
    ),
    { numRuns: 25 },
  );
});

test('[from, to) exactly: an event at from counts, at to does not, a millisecond before to does', async () => {
  const t = Date.UTC(2024, 5, 1, 8, 0);
  const events: Raw[] = [
    { userId: 'a', eventType: 'edge', at: t - 1 }, // last ms of the minute before
    { userId: 'b', eventType: 'edge', at: t }, // first ms of the first minute
    { userId: 'c', eventType: 'edge', at: t + MINUTE - 1 }, // last ms of the first minute
    { userId: 'd', eventType: 'edge', at: t + 2 * MINUTE - 1 }, // last ms before to
    { userId: 'e', eventType: 'edge', at: t + 2 * MINUTE }, // exactly to
    { userId: 'b', eventType: 'edge', at: t + 2 * MINUTE + 1 },
  ];
  const position = await track(events);
  const cases: [number | undefined, number | undefined, number, number][] = [
    [t, t + 2 * MINUTE, 3, 3],
    [t, t + MINUTE, 2, 2],
    [t + MINUTE, t + 2 * MINUTE, 1, 1],
    [t - MINUTE, t, 1, 1],
    [undefined, t, 1, 1],
    [t + 2 * MINUTE, undefined, 2, 2],
    [undefined, undefined, 6, 5],
    [t + 3 * MINUTE, t + 4 * MINUTE, 0, 0],
  ];
  for (const [from, to, count, uniqueUsers] of cases) {
    const answer = await query('edge', from, to, position);
    expect(answer.body, `[${String(from && iso(from))}, ${String(to && iso(to))})`).toMatchObject({
      count,
      uniqueUsers,
    });
    expect(answer.body).toMatchObject(bruteForce(events, 'edge', from, to));
  }
});
