// Every route against a real server: tracking, profiles, the queries, roles, idempotency, read-your-writes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { after, serveAnalytics, type Answer, type TestAnalytics } from '../testing/analyticsServer.js';

let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics();
});
afterAll(() => server.close());

const call: TestAnalytics['call'] = (...args) => server.call(...args);

function expectProblem(answer: Answer, status: number, slug: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: `/problems/${slug}`, status });
}

test('a tracked event is in the user’s events, summary and the statistics', async () => {
  const tracked = await call('POST', '/events', {
    json: {
      userId: 'ann',
      eventType: 'purchase',
      properties: { amount: 12.5 },
      timestamp: '2026-01-05T10:00:30Z',
    },
  });
  expect(tracked.status, tracked.text).toBe(201);
  const batch = await call('POST', '/events/batch', {
    json: {
      events: [
        { userId: 'ann', eventType: 'view', properties: { page: '/a' }, timestamp: '2026-01-05T10:01:00Z' },
        { userId: 'ann', eventType: 'view', timestamp: '2026-01-05T10:02:00.500+01:00' },
        { userId: 'bob', eventType: 'view', timestamp: '2026-01-05T10:03:00Z' },
      ],
    },
  });
  expect(batch.status, batch.text).toBe(201);
  expect(batch.body.eventIds).toHaveLength(3);
  const position = batch.body.position as number;

  const events = await call('GET', '/users/ann/events', { headers: after(position) });
  expect(events.status, events.text).toBe(200);
  expect(Number(events.headers.get('x-position'))).toBeGreaterThanOrEqual(position);
  expect(events.body).toEqual({
    userId: 'ann',
    items: [
      expect.objectContaining({
        eventType: 'view',
        timestamp: '2026-01-05T10:01:00.000Z',
        properties: { page: '/a' },
      }),
      expect.objectContaining({
        eventType: 'purchase',
        timestamp: '2026-01-05T10:00:30.000Z',
        properties: { amount: 12.5 },
      }),
      expect.objectContaining({ eventType: 'view', timestamp: '2026-01-05T09:02:00.500Z', properties: {} }),
    ],
    nextCursor: null,
  });
  const views = await call('GET', '/users/ann/events?type=view&limit=1', { headers: after(position) });
  expect((views.body.items as unknown[]).length).toBe(1);
  expect(views.body.items).toEqual([expect.objectContaining({ timestamp: '2026-01-05T10:01:00.000Z' })]);

  const profile = await call('PATCH', '/users/ann/profile', {
    json: { attributes: { plan: 'pro', city: 'Oslo' } },
  });
  expect(profile.status, profile.text).toBe(200);
  const merged = await call('PATCH', '/users/ann/profile', { json: { attributes: { city: null, age: 40 } } });
  const summary = await call('GET', '/users/ann/summary', { headers: after(merged.body.position) });
  expect(summary.body).toEqual({
    userId: 'ann',
    profile: { plan: 'pro', age: 40 },
    eventCount: 3,
    purchases: 1,
    lastActivity: '2026-01-05T10:01:00.000Z',
  });

  const stats = await call('GET', '/stats/events/view?from=2026-01-05T10:00:00Z&to=2026-01-05T10:03:00Z', {
    headers: after(position),
  });
  expect(stats.body).toEqual({
    eventType: 'view',
    from: '2026-01-05T10:00:00.000Z',
    to: '2026-01-05T10:03:00.000Z',
    count: 1,
    uniqueUsers: 1,
  });
  const allViews = await call('GET', '/stats/events/view', { headers: after(position) });
  expect(allViews.body).toMatchObject({ count: 3, uniqueUsers: 2, from: null, to: null });
  const top = await call('GET', '/stats/top?from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z&limit=5', {
    headers: after(position),
  });
  expect(top.body.items).toEqual([
    { eventType: 'view', count: 3 },
    { eventType: 'purchase', count: 1 },
  ]);
});

test('a user with neither events nor profile is a 404; a profile alone is a summary', async () => {
  expectProblem(await call('GET', '/users/nobody/summary'), 404, 'not-found');
  const profile = await call('PATCH', '/users/carl/profile', { json: { attributes: { vip: true } } });
  const summary = await call('GET', '/users/carl/summary', { headers: after(profile.body.position) });
  expect(summary.body).toEqual({
    userId: 'carl',
    profile: { vip: true },
    eventCount: 0,
    purchases: 0,
    lastActivity: null,
  });
  const events = await call('GET', '/users/carl/events');
  expect(events.body).toEqual({ userId: 'carl', items: [], nextCursor: null });
});

test('writers track, readers query, and nobody else does either', async () => {
  const json = { userId: 'dan', eventType: 'view' };
  expect((await call('POST', '/events', { json, as: null })).status).toBe(401);
  expectProblem(await call('POST', '/events', { json, as: 'reader' }), 403, 'forbidden');
  expectProblem(await call('GET', '/stats/top', { as: 'writer' }), 403, 'forbidden');
  expect((await call('GET', '/stats/top', { as: null })).status).toBe(401);
});

test('the same event ids again, or the same Idempotency-Key, write nothing new', async () => {
  const events = [
    { eventId: '0190e1a2-0000-7000-8000-000000000001', userId: 'eve', eventType: 'signup' },
    { eventId: '0190e1a2-0000-7000-8000-000000000002', userId: 'eve', eventType: 'login' },
  ];
  const first = await call('POST', '/events/batch', { json: { events } });
  expect(first.status, first.text).toBe(201);
  const head = await server.analytics.events.head();
  const again = await call('POST', '/events/batch', { json: { events } });
  expect(again.status, again.text).toBe(201);
  expect(again.body).toEqual(first.body);
  expect(await server.analytics.events.head()).toBe(head);

  const keyed = {
    headers: { 'idempotency-key': 'track-frank-1' },
    json: { userId: 'frank', eventType: 'view' },
  };
  const one = await call('POST', '/events', keyed);
  const two = await call('POST', '/events', keyed);
  expect(two.headers.get('idempotent-replayed')).toBe('true');
  expect(two.body).toEqual(one.body);
  const frank = await call('GET', '/users/frank/summary', { headers: after(two.body.position) });
  expect(frank.body.eventCount).toBe(1);
});

test('the OpenAPI document, health and metrics', async () => {
  const doc = await call('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  expect(Object.keys(doc.body.paths as object)).toEqual(
    expect.arrayContaining(['/events', '/events/batch', '/users/{userId}/profile', '/stats/top']),
  );
  expect((await call('GET', '/health')).status).toBe(200);
  const metrics = await call('GET', '/metrics');
  expect(metrics.text).toContain('janus_events_appended_total');
});
