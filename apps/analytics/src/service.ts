// The analytics service declared: its environment, roles, features and HTTP surface. main.ts runs it;
// the e2e tests start it the same way (testing/analyticsServer.ts).
import { defineService } from '@janus/service';
import { analyticsProjections, registerAnalyticsCommands, registerAnalyticsQueries } from './analytics.js';
import { commandPolicy, queryPolicy } from './http/access.js';
import { analyticsRoutes } from './http/analyticsRoutes.js';
import { sqlReaderOf } from './sql/sqlReaderOf.js';
import { EVENT_ID_REUSED } from './tracking/tracking.js';

/** `writer` (tracks events and profiles) or `reader` (queries). */
export type AnalyticsRole = 'writer' | 'reader';

export const analyticsService = defineService({
  name: 'analytics',
  version: '0.1.0',
  env: {
    prefix: 'ANALYTICS',
    defaultPort: 3002,
    defaultDataDir: './data/analytics',
    sqliteFile: 'analytics.db',
  },
  roles: {
    parse: (text): AnalyticsRole | undefined => (text === 'writer' || text === 'reader' ? text : undefined),
    hint: 'a role is writer or reader',
    generated: ['writer', 'reader'],
    variable: 'ANALYTICS_API_KEYS',
    service: 'the Janus analytics service',
    secretVariable: 'ANALYTICS_KEY_SECRET',
  },
  // Requests per minute: writers ingest at volume (a batch is one request), readers run dashboards.
  rateLimits: { writer: 300_000, reader: 6_000 },
  // The SQL read models in the store's dialect; they live with the events (no READ_DATABASE_URL).
  projections: (stores) => analyticsProjections(stores.kind),
  // Ingestion is write-heavy: larger batches, fewer checkpoint transactions.
  runner: { batchSize: 2000 },
  commands: (bus, deps) => registerAnalyticsCommands(bus, { store: deps.store }),
  queries: (bus, deps) =>
    registerAnalyticsQueries(bus, { sql: sqlReaderOf(deps.events), readModels: deps.readModels }),
  policies: { commands: () => commandPolicy, queries: () => queryPolicy },
  routes: analyticsRoutes,
  domainErrors: { [EVENT_ID_REUSED]: 409 },
  // A batch of 1,000 events with properties fits well within this.
  bodyLimit: 4 * 1024 * 1024,
  openapi: {
    title: 'Janus Analytics',
    description: [
      'Event tracking and user profiles, built on Janus.',
      '',
      '- Roles: `writer` (POST /events, POST /events/batch, PATCH /users/{userId}/profile; queries: 403), ' +
        '`reader` (every query; commands: 403).',
      '- A batch is one append of 1 to 1000 events; every event may carry an `eventId` (UUID): ' +
        'the same events again (same ids, same content) are a no-op; an id sent before with other content, or ' +
        'in another batch, is a 409 `event-id-reused` that writes nothing. Any command may carry `Idempotency-Key`.',
      '- Commands answer `position`; a query sent with `X-Min-Position` answers once its read ' +
        'models reached it (waiting up to `X-Max-Wait-Ms`), and every query answers `X-Position`.',
      '- Statistics come from per-minute read models: ranges are [from, to) in whole minutes.',
      '- Limits: requests per minute per key by role (RATE_LIMIT_WRITER 300000, RATE_LIMIT_READER 6000) and per address without a ' +
        'valid key (RATE_LIMIT_ANONYMOUS 300); over them a 429 `rate-limited` with `Retry-After` (seconds). ' +
        '/health, /ready and /metrics are never limited. A request must arrive within ' +
        'HTTP_REQUEST_TIMEOUT_MS (default 30 s).',
      '- A JSON body with a key given twice, at any depth, is a 400 naming the key. Any string in `properties` or `attributes` (key or value, at any depth) with a lone ' +
        'surrogate or a bidirectional control character (U+202A–U+202E, U+2066–U+2069) is a 400 ' +
        'naming the field.',
    ].join('\n'),
  },
});
