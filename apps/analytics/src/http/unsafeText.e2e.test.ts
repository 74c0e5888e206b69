// Properties and profile attributes with a lone surrogate or a bidirectional control (in a key or a
// value, at any depth) were stored as sent; now each is a 400 naming the field, and nothing is stored.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { serveAnalytics, type TestAnalytics } from '../testing/analyticsServer.js';

let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics();
});
afterAll(() => server.close());

const event = (properties: unknown) => ({ userId: 'u1', eventType: 'view', properties });

test.each([
  ['a lone surrogate in a value', { title: 'a\udc00' }, 'title'],
  ['a right-to-left override deep down', { page: { tags: ['ok', '\u202egpj.exe'] } }, 'page.tags.1'],
  ['an isolate in a key', { ['\u2066title']: 'x' }, '\u2066title'],
])('%s is a 400 naming it, for events, batches and profiles', async (_what, properties, path) => {
  const head = await server.analytics.events.head();
  for (const [method, url, json, at] of [
    ['POST', '/events', event(properties), `properties.${path}`],
    ['POST', '/events/batch', { events: [event({}), event(properties)] }, `events.1.properties.${path}`],
    ['PATCH', '/users/u1/profile', { attributes: properties }, `attributes.${path}`],
  ] as const) {
    const answer = await server.call(method, url, { json });
    expect(answer.status, `${url}: ${answer.text}`).toBe(400);
    expect(answer.body).toMatchObject({ type: '/problems/validation-error', errors: [{ path: at }] });
  }
  expect(await server.analytics.events.head()).toBe(head);
});

test('emoji and right-to-left scripts are taken', async () => {
  const answer = await server.call('POST', '/events', { json: event({ title: 'שלום \ud83d\ude00' }) });
  expect(answer.status, answer.text).toBe(201);
});
