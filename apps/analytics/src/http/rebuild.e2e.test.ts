// A rebuild of every read model from the log answers exactly what the live read models answered, and
// tells its progress in lines for people.
import { expect, test } from 'vitest';
import { describeNotice } from '@janus/service';
import { after, serveAnalytics } from '../testing/analyticsServer.js';

test('rebuilt read models answer the same statistics, events and summaries', async () => {
  const server = await serveAnalytics();
  try {
    const events = Array.from({ length: 600 }, (_, i) => ({
      userId: `u${i % 37}`,
      eventType: ['view', 'click', 'purchase'][i % 3] ?? 'view',
      properties: { i },
      timestamp: new Date(Date.UTC(2026, 4, 1) + i * 7_919).toISOString(),
    }));
    const tracked = await server.call('POST', '/events/batch', { json: { events } });
    const profile = await server.call('PATCH', '/users/u1/profile', {
      json: { attributes: { plan: 'pro' } },
    });
    const position = Math.max(tracked.body.position as number, profile.body.position as number);
    const paths = [
      '/stats/events/view?from=2026-05-01T00:10:00Z&to=2026-05-01T00:50:00Z',
      '/stats/events/purchase',
      '/stats/top?from=2026-05-01T00:00:00Z&to=2026-05-01T01:00:00Z',
      '/users/u1/events?limit=20',
      '/users/u1/summary',
    ];
    const read = () =>
      Promise.all(paths.map(async (p) => (await server.call('GET', p, { headers: after(position) })).body));
    const before = await read();

    const { runner } = server.analytics;
    for (const p of runner.projections) await runner.rebuild(p.name);
    await expect
      .poll(async () => (await runner.status()).every((s) => s.rebuild === null && s.state === 'running'), {
        timeout: 20_000,
      })
      .toBe(true);
    expect(await read()).toEqual(before);
  } finally {
    await server.close();
  }
});

test('rebuild progress reads as a line with the share done, the rate and the time left', () => {
  const line = describeNotice({
    kind: 'rebuild-progress',
    projection: 'analytics.event-stats',
    status: {
      name: 'analytics.event-stats',
      version: 1,
      position: 1000n,
      head: 1000n,
      lag: 0n,
      state: 'rebuilding',
      failure: null,
      rebuild: { generation: 2, version: 1, done: 250n, total: 1000n, rate: 5000.4, secondsLeft: 0.15 },
    },
  });
  expect(line).toBe('rebuilding analytics.event-stats: 250/1000 events (25%), 5000 events/s, ~1 s left');
});
