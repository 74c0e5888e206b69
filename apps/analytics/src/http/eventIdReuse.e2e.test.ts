// An event id names one event. The same events again are a no-op that answers the first result; an id sent
// before with other content, or in another batch, is a 409 `event-id-reused` that writes nothing. On
// SQLite and, in analytics-on-postgres, on PostgreSQL.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { after, serveAnalytics, type Answer, type TestAnalytics } from '../testing/analyticsServer.js';

let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics();
});
afterAll(() => server.close());

const id = (n: number) => `0190e1a2-0000-7000-8000-${String(n).padStart(12, '0')}`;

async function tracked(path: string, json: unknown): Promise<Answer> {
  const answer = await server.call('POST', path, { json });
  expect(answer.status, answer.text).toBe(201);
  return answer;
}

/** What a reader sees of these users, once the read models reached `position`. */
async function picture(users: readonly string[], position: unknown): Promise<unknown> {
  const answers = await Promise.all(
    users.flatMap((user) => [
      server.call('GET', `/users/${user}/events`, { headers: after(position) }),
      server.call('GET', `/users/${user}/summary`, { headers: after(position) }),
    ]),
  );
  const top = await server.call('GET', '/stats/top', { headers: after(position) });
  return [...answers, top].map((a) => ({ status: a.status, body: a.body }));
}

async function expectReused(path: string, json: unknown, users: readonly string[], position: unknown) {
  const head = await server.analytics.events.head();
  const before = await picture(users, position);
  const answer = await server.call('POST', path, { json });
  expect(answer.status, answer.text).toBe(409);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: '/problems/event-id-reused', status: 409 });
  expect(await server.analytics.events.head()).toBe(head);
  expect(await picture(users, position)).toEqual(before);
}

test('the same events again, keys in any order, answer the first result and write nothing', async () => {
  const events = [
    { eventId: id(1), userId: 'mia', eventType: 'view', properties: { page: '/a', n: 1 } },
    { eventId: id(2), userId: 'mia', eventType: 'buy', timestamp: '2026-03-01T13:00:00+01:00' },
  ];
  const first = await tracked('/events/batch', { events });
  const head = await server.analytics.events.head();
  const again = await tracked('/events/batch', {
    events: [
      { properties: { n: 1, page: '/a' }, eventType: 'view', userId: 'mia', eventId: id(1) },
      { ...events[1], timestamp: '2026-03-01T12:00:00Z', properties: {} },
    ],
  });
  expect(again.body).toEqual(first.body);
  // Without a timestamp, the server's clock is not part of the content: a later retry is the same event.
  const single = { eventId: id(3), userId: 'mia', eventType: 'view' };
  const one = await tracked('/events', single);
  expect((await tracked('/events', single)).body).toEqual(one.body);
  expect(await server.analytics.events.head()).toBe(BigInt(one.body.position as number));
  expect(head).toBeLessThan(BigInt(one.body.position as number));
});

test('an id sent before with other content is a 409 that changes nothing', async () => {
  const first = await tracked('/events', {
    eventId: id(10),
    userId: 'noah',
    eventType: 'view',
    properties: { page: '/a' },
    timestamp: '2026-03-01T12:00:00Z',
  });
  const position = first.body.position;
  const users = ['noah', 'olga'];
  const sent = { eventId: id(10), userId: 'noah', eventType: 'view', timestamp: '2026-03-01T12:00:00Z' };
  await expectReused('/events', { ...sent, properties: { page: '/b' } }, users, position);
  await expectReused('/events', { ...sent, properties: { page: '/a' }, eventType: 'buy' }, users, position);
  await expectReused('/events', { ...sent, properties: { page: '/a' }, userId: 'olga' }, users, position);
  await expectReused(
    '/events',
    { ...sent, properties: { page: '/a' }, timestamp: '2026-03-01T12:01:00Z' },
    users,
    position,
  );
  // Olga was never written: still unknown.
  expect((await server.call('GET', '/users/olga/events', { headers: after(position) })).status).toBe(404);
});

test('an id from another batch is a 409, and the batch holding it writes none of its events', async () => {
  const batch = await tracked('/events/batch', {
    events: [
      { eventId: id(20), userId: 'pia', eventType: 'view', timestamp: '2026-03-01T12:00:00Z' },
      { eventId: id(21), userId: 'pia', eventType: 'view', timestamp: '2026-03-01T12:01:00Z' },
    ],
  });
  const position = batch.body.position;
  const alone = { eventId: id(20), userId: 'pia', eventType: 'view', timestamp: '2026-03-01T12:00:00Z' };
  await expectReused('/events', alone, ['pia', 'quinn'], position);
  await expectReused(
    '/events/batch',
    { events: [alone, { eventId: id(22), userId: 'quinn', eventType: 'view' }] },
    ['pia', 'quinn'],
    position,
  );
  await expectReused(
    '/events/batch',
    { events: [alone, { userId: 'quinn', eventType: 'view' }] },
    ['pia', 'quinn'],
    position,
  );
});

test('the OpenAPI document names the 409 on both tracking routes', async () => {
  const doc = await server.call('GET', '/openapi.json');
  const paths = doc.body.paths as Record<string, Record<string, { description: string; responses: object }>>;
  for (const path of ['/events', '/events/batch']) {
    const operation = paths[path]?.post;
    expect(operation?.description).toContain('409 `event-id-reused`');
    expect(JSON.stringify(operation?.responses)).toContain('event-id-reused');
    expect(Object.keys(operation?.responses ?? {})).toContain('409');
  }
});
