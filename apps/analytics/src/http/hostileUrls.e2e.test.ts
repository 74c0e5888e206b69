// Hostile URLs and malformed requests at the analytics service: each is a 4xx problem+json, none is a 5xx,
// none logs an error. Runs on SQLite and, in the analytics-on-postgres project, on PostgreSQL.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { capturedLog } from '@janus/test-support/capturedLog';
import { hostileRequests, unlikeProblem } from '@janus/test-support/hostileRequests';
import { rawRequest } from '@janus/test-support/rawHttp';
import { KEYS, serveAnalytics, type TestAnalytics } from '../testing/analyticsServer.js';

const log = capturedLog();
let server: TestAnalytics;
beforeAll(async () => {
  server = await serveAnalytics({}, { logger: log.logger });
});
afterAll(async () => {
  await server.close();
});

const ANALYTICS_PATHS = [
  '/users/%00/events',
  '/users/abc%ZZ/summary',
  '/users/%ED%A0%80/summary',
  `/users/${'a'.repeat(200)}/summary`,
  '/users/u1/events?type=%00',
  '/users/u1/events?limit=9223372036854775808',
  '/users/u1/events?cursor=%00',
  '/stats/events/%00',
  '/stats/events/view?from=%00',
  '/stats/top?limit=99999999999999999999',
];

test.each(hostileRequests(ANALYTICS_PATHS, { queryPath: '/users/u1/summary' }))(
  '$name: a 4xx problem+json',
  async ({ text }) => {
    const answer = await rawRequest(server.analytics.port, text(`Bearer ${KEYS.reader}`));
    expect(unlikeProblem(answer)).toBeUndefined();
  },
);

test('nothing was logged at error level', () => {
  expect(log.errors()).toEqual([]);
});
