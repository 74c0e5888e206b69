// Bad input is a 400 problem before anything is written: batches too large, bad timestamps, unknown
// fields, bad ranges and limits.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { serveAnalytics, type TestAnalytics } from '../testing/analyticsServer.js';

let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics();
});
afterAll(() => server.close());

const event = (i = 0) => ({ userId: `u${i}`, eventType: 'view', timestamp: '2026-03-01T12:00:00Z' });

async function expect400(method: string, path: string, json?: unknown): Promise<Record<string, unknown>> {
  const head = await server.analytics.events.head();
  const answer = await server.call(method, path, json === undefined ? {} : { json });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(400);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await server.analytics.events.head()).toBe(head);
  return answer.body;
}

test('a batch of 1,000 events is taken; 1,001, or none, is a 400', async () => {
  const full = await server.call('POST', '/events/batch', {
    json: { events: Array.from({ length: 1000 }, (_, i) => event(i)) },
  });
  expect(full.status, full.text).toBe(201);
  expect(full.body.eventIds).toHaveLength(1000);
  await expect400('POST', '/events/batch', { events: Array.from({ length: 1001 }, (_, i) => event(i)) });
  await expect400('POST', '/events/batch', { events: [] });
  await expect400('POST', '/events/batch', {});
});

test.each([
  ['not a date', 'yesterday'],
  ['no time', '2026-03-01'],
  ['no time zone', '2026-03-01T12:00:00'],
  ['February 30th', '2026-02-30T12:00:00Z'],
  ['month 13', '2026-13-01T12:00:00Z'],
  ['hour 25', '2026-03-01T25:00:00Z'],
  ['a number', 1772366400000],
])('a timestamp that is %s is a 400', async (_, timestamp) => {
  await expect400('POST', '/events', { ...event(), timestamp });
  await expect400('POST', '/events/batch', { events: [event(1), { ...event(), timestamp }] });
});

test('unknown fields, at the top or inside an event, are a 400', async () => {
  await expect400('POST', '/events', { ...event(), user: 'x' });
  await expect400('POST', '/events/batch', { events: [event()], extra: true });
  await expect400('POST', '/events/batch', { events: [{ ...event(), colour: 'red' }] });
  await expect400('PATCH', '/users/u1/profile', { attributes: { a: 1 }, more: 1 });
});

test('missing or malformed fields are a 400', async () => {
  await expect400('POST', '/events', { eventType: 'view' });
  await expect400('POST', '/events', { userId: 'u1' });
  await expect400('POST', '/events', { userId: 'has space', eventType: 'view' });
  await expect400('POST', '/events', { userId: 'u1', eventType: 'view', properties: [1, 2] });
  await expect400('POST', '/events', { userId: 'u1', eventType: 'view', eventId: 'not-a-uuid' });
  const id = '0190e1a2-0000-7000-8000-0000000000aa';
  await expect400('POST', '/events/batch', {
    events: [
      { ...event(), eventId: id },
      { ...event(), eventId: id },
    ],
  });
  await expect400('PATCH', '/users/u1/profile', { attributes: {} });
});

test('ranges must be whole minutes with from before to; limits in range', async () => {
  await expect400('GET', '/stats/events/view?from=2026-03-01T12:00:30Z');
  await expect400('GET', '/stats/events/view?to=2026-03-01T12:00:00.001Z');
  await expect400('GET', '/stats/events/view?from=2026-03-01T12:01:00Z&to=2026-03-01T12:01:00Z');
  await expect400('GET', '/stats/events/view?from=2026-03-01T12:02:00Z&to=2026-03-01T12:01:00Z');
  await expect400('GET', '/stats/events/view?from=soon');
  await expect400('GET', '/stats/events/view?bucket=hour');
  await expect400('GET', '/stats/top?limit=0');
  await expect400('GET', '/stats/top?limit=101');
  await expect400('GET', '/users/u1/events?limit=1001');
  await expect400('GET', '/users/u1/events?type=bad%20type');
});

test('a body nested deeper than 64 levels is a 400 before it is parsed', async () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 1000; i++) deep = [deep];
  const body = await expect400('POST', '/events', { ...event(), properties: { deep } });
  expect(body).toMatchObject({
    type: '/problems/validation-error',
    errors: [{ path: '', message: expect.stringMatching(/deeper than 64 levels/) as unknown }],
  });
});
