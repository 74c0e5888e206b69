// A user's events, a page at a time: the pages, walked by `nextCursor`, hold every event once, newest
// first (ties by log position, latest first); an unknown user is the 404 the OpenAPI document names; a
// cursor the service did not make is a 400. On SQLite and, in analytics-on-postgres, on PostgreSQL.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { after, serveAnalytics, type Answer, type TestAnalytics } from '../testing/analyticsServer.js';

let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics();
});
afterAll(() => server.close());

interface Item {
  readonly eventId: string;
  readonly eventType: string;
  readonly timestamp: string;
}

async function track(
  events: readonly Record<string, unknown>[],
): Promise<{ ids: string[]; position: number }> {
  const answer = await server.call('POST', '/events/batch', { json: { events } });
  expect(answer.status, answer.text).toBe(201);
  return { ids: answer.body.eventIds as string[], position: answer.body.position as number };
}

/** Every page of `path`, following nextCursor; checks each page's size. */
async function walk(
  path: string,
  limit: number,
  position: number,
): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query = `${separator}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page: Answer = await server.call('GET', path + query, { headers: after(position) });
    expect(page.status, page.text).toBe(200);
    const pageItems = page.body.items as Item[];
    cursor = page.body.nextCursor as string | null;
    if (cursor !== null) expect(pageItems).toHaveLength(limit);
    items.push(...pageItems);
    pages += 1;
  } while (cursor !== null);
  return { items, pages };
}

const minute = (m: number) => new Date(Date.UTC(2026, 2, 1, 12, m)).toISOString();

test('the pages hold every event once, newest first, ties by log position', async () => {
  // Seven events of grace over four timestamps (three share one), in two batches, and one of someone else.
  const first = await track([
    { userId: 'grace', eventType: 'view', timestamp: minute(1) },
    { userId: 'grace', eventType: 'click', timestamp: minute(3) },
    { userId: 'grace', eventType: 'view', timestamp: minute(2) },
    { userId: 'henry', eventType: 'view', timestamp: minute(2) },
  ]);
  const second = await track([
    { userId: 'grace', eventType: 'view', timestamp: minute(2) },
    { userId: 'grace', eventType: 'click', timestamp: minute(0) },
    { userId: 'grace', eventType: 'view', timestamp: minute(2) },
    { userId: 'grace', eventType: 'view', timestamp: minute(4) },
  ]);
  const [a, b, c] = first.ids as [string, string, string];
  const [d, e, f, g] = second.ids as [string, string, string, string];
  const newestFirst = [g, b, f, d, c, a, e];

  for (const limit of [1, 2, 3, 7, 50]) {
    const { items, pages } = await walk('/users/grace/events', limit, second.position);
    expect(items.map((item) => item.eventId)).toEqual(newestFirst);
    expect(pages).toBe(Math.max(1, Math.ceil(7 / limit)));
  }
  const views = await walk('/users/grace/events?type=view', 2, second.position);
  expect(views.items.map((item) => item.eventId)).toEqual([g, f, d, c, a]);
});

test('a cursor keeps its place while newer events arrive', async () => {
  const { ids, position } = await track(
    [0, 1, 2, 3].map((m) => ({ userId: 'iris', eventType: 'view', timestamp: minute(m) })),
  );
  const one = await server.call('GET', '/users/iris/events?limit=2', { headers: after(position) });
  expect((one.body.items as Item[]).map((item) => item.eventId)).toEqual([ids[3], ids[2]]);
  const newer = await track([{ userId: 'iris', eventType: 'view', timestamp: minute(9) }]);
  const cursor = encodeURIComponent(one.body.nextCursor as string);
  const two = await server.call('GET', `/users/iris/events?limit=2&cursor=${cursor}`, {
    headers: after(newer.position),
  });
  expect(two.body).toEqual({
    userId: 'iris',
    items: [expect.objectContaining({ eventId: ids[1] }), expect.objectContaining({ eventId: ids[0] })],
    nextCursor: null,
  });
});

test('more than 1,000 events are all reachable, 1,000 a page', async () => {
  const batch = (offset: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      userId: 'jack',
      eventType: 'view',
      timestamp: new Date(Date.UTC(2026, 0, 1) + (offset + i) * 1000).toISOString(),
    }));
  await track(batch(0, 1000));
  const { position } = await track(batch(1000, 500));
  const { items, pages } = await walk('/users/jack/events', 1000, position);
  expect(pages).toBe(2);
  expect(items).toHaveLength(1500);
  expect(new Set(items.map((item) => item.eventId)).size).toBe(1500);
  expect(items[0]?.timestamp).toBe(new Date(Date.UTC(2026, 0, 1) + 1499 * 1000).toISOString());
  expect(items.at(-1)?.timestamp).toBe('2026-01-01T00:00:00.000Z');
});

test('an unknown user is the 404 problem the OpenAPI document names', async () => {
  const doc = await server.call('GET', '/openapi.json');
  const paths = doc.body.paths as Record<string, Record<string, Record<string, unknown>>>;
  const operation = paths['/users/{userId}/events']?.get;
  expect(operation?.description).toContain('404 for a user with no event and no profile');
  const responses = operation?.responses as Record<string, unknown>;
  expect(responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
  const notFound = (doc.body.components as { responses: Record<string, { content: object }> }).responses
    .NotFound;
  expect(Object.keys(notFound?.content ?? {})).toEqual(['application/problem+json']);

  for (const path of ['/users/nobody/events', '/users/nobody/events?type=view&limit=5']) {
    const answer = await server.call('GET', path);
    expect(answer.status, answer.text).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: '/problems/not-found', status: 404 });
  }
  // Known by events, but none of this type: an empty page, not a 404.
  const { position } = await track([{ userId: 'kate', eventType: 'view' }]);
  const none = await server.call('GET', '/users/kate/events?type=purchase', { headers: after(position) });
  expect(none.body).toEqual({ userId: 'kate', items: [], nextCursor: null });
});

test('a cursor the service did not make is a 400 naming cursor', async () => {
  const { position } = await track(
    [1, 2, 3].map((m) => ({ userId: 'liam', eventType: 'view', timestamp: minute(m) })),
  );
  const one = await server.call('GET', '/users/liam/events?limit=1', { headers: after(position) });
  const made = one.body.nextCursor as string;
  const forged = Buffer.from('v1:1:2:3').toString('base64url');
  for (const cursor of [
    'nonsense',
    `${made}x`,
    forged,
    Buffer.from('v1:-5:1').toString('base64url'),
    'a'.repeat(201),
  ]) {
    const answer = await server.call('GET', `/users/liam/events?cursor=${encodeURIComponent(cursor)}`);
    expect(answer.status, `${cursor}: ${answer.text}`).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(answer.body)).toContain('cursor');
  }
});
