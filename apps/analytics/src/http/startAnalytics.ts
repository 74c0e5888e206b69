// The analytics service assembled: stores, the projection runner, the buses with their policies, the
// HTTP app, listening. main.ts reads the configuration and calls startAnalytics; the e2e tests too.
import {
  CommandBus,
  ProjectionRunner,
  QueryBus,
  authorization,
  idempotentStore,
  validation,
  type EventStore,
  type GlobalLog,
  type RunnerNotice,
} from '@janus/core';
import {
  JanusMetrics,
  bearerKeys,
  countingAppends,
  createHttpApp,
  startService,
  type StartedService,
  type HttpAppOptions,
  serviceKeys,
} from '@janus/http';
import { registerAnalyticsCommands, registerAnalyticsQueries } from '../analytics.js';
import { analyticsRoles, type ApiKeySet } from '../apiKeys.js';
import type { AnalyticsConfig } from '../config.js';
import { commandPolicy, queryPolicy } from './access.js';
import { analyticsRoutes } from './analyticsRoutes.js';
import { openAnalyticsStores } from './analyticsStores.js';

export const ANALYTICS_VERSION = '0.1.0';

/** A batch of 1,000 events with properties fits well within this. */
const BODY_LIMIT = 4 * 1024 * 1024;

export interface StartAnalyticsOptions {
  /** SIGTERM and SIGINT shut down gracefully, then exit the process (main.ts). */
  readonly exitOnSignal?: boolean;
  /** Node process metrics in /metrics too. Default true. */
  readonly processMetrics?: boolean;
  /** The service's logger (tests pass one that keeps its lines); default a pino logger on stdout at LOG_LEVEL. */
  readonly logger?: HttpAppOptions['logger'];
}

export interface RunningAnalytics {
  readonly url: string;
  readonly port: number;
  readonly apiKeys: ApiKeySet;
  readonly storage: string;
  readonly events: EventStore & GlobalLog;
  /** The projection runner: status, rebuilds. */
  readonly runner: ProjectionRunner;
  close(): Promise<void>;
}

/** A line for people about a runner notice (rebuild progress included), or undefined. */
export function describeNotice(notice: RunnerNotice): string | undefined {
  switch (notice.kind) {
    case 'rebuild-started':
      return `rebuilding ${notice.projection} (generation ${notice.generation})`;
    case 'rebuild-progress': {
      const progress = notice.status.rebuild;
      if (!progress) return undefined;
      const percent = progress.total > 0n ? Number((progress.done * 1000n) / progress.total) / 10 : 100;
      const left = progress.secondsLeft === null ? '' : `, ~${Math.ceil(progress.secondsLeft)} s left`;
      return (
        `rebuilding ${notice.projection}: ${progress.done}/${progress.total} events (${percent}%), ` +
        `${Math.round(progress.rate)} events/s${left}`
      );
    }
    case 'rebuild-completed':
      return `rebuilt ${notice.projection} (generation ${notice.generation} is now active)`;
    case 'recovered':
      return `projection ${notice.projection} recovered`;
    default:
      return undefined;
  }
}

export async function startAnalytics(
  config: AnalyticsConfig,
  options: StartAnalyticsOptions = {},
): Promise<RunningAnalytics> {
  const stores = await openAnalyticsStores(config);
  // After the stores: the key secret is kept in the event store's database, so that every process on
  // one database makes the same key fingerprints.
  const apiKeys = await serviceKeys({ ...config, secretStore: stores.events }, analyticsRoles).catch(
    async (error: unknown) => {
      await stores.close();
      throw error;
    },
  );
  const { events, readModels, projections } = stores;
  // Set once started: /ready asks it whether the projection runner runs.
  const started: { service?: StartedService } = {};

  const runner = new ProjectionRunner({
    log: events,
    store: readModels,
    projections,
    pollIntervalMs: 500,
    // Ingestion is write-heavy: larger batches, fewer checkpoint transactions.
    batchSize: 2000,
    onNotice: (notice) => {
      if (notice.kind === 'failed' || notice.kind === 'error') {
        app.log.error({ projection: notice.projection, err: notice.error }, 'projection failed');
        return;
      }
      const line = describeNotice(notice);
      if (line !== undefined) app.log.info({ projection: notice.projection }, line);
    },
  });
  const metrics = new JanusMetrics({
    projections: () => runner.status(),
    processMetrics: options.processMetrics ?? true,
    onCollectError: (error) => {
      app.log.warn({ err: error }, 'could not read the projections for /metrics');
    },
  });

  const commandStore = idempotentStore(countingAppends(events, metrics));
  const commands = registerAnalyticsCommands(
    new CommandBus().use(authorization(commandPolicy)).use(validation()),
    { store: commandStore },
  );
  const queries = registerAnalyticsQueries(new QueryBus().use(authorization(queryPolicy)).use(validation()), {
    sql: stores.sql,
    readModels,
  });

  const app = createHttpApp({
    commands,
    queries,
    routes: analyticsRoutes,
    authenticate: bearerKeys(apiKeys.principals),
    consistency: runner,
    metrics,
    bodyLimit: BODY_LIMIT,
    ready: async () => {
      if (!started.service?.running()) return false;
      const statuses = await runner.status();
      return statuses.length === projections.length && statuses.every((s) => s.state !== 'stopped');
    },
    logLevel: config.logLevel,
    rateLimits: config.limits.rate,
    timeouts: config.limits.timeouts,
    ...(options.logger ? { logger: options.logger } : {}),
    openapi: {
      info: {
        title: 'Janus Analytics',
        version: ANALYTICS_VERSION,
        description: [
          'Event tracking and user profiles, built on Janus.',
          '',
          '- Roles: `writer` (POST /events, POST /events/batch, PATCH /users/{userId}/profile; queries: 403), ' +
            '`reader` (every query; commands: 403).',
          '- A batch is one append of 1 to 1000 events; every event may carry an `eventId` (UUID): ' +
            'the same ids again are a no-op. Any command may carry `Idempotency-Key`.',
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
    },
    idempotency: { store: events, ttlMs: config.idempotencyTtlMs },
  });

  // Files opening made private (an older version or a copy left them open to others).
  for (const notice of stores.notices) app.log.warn(notice);
  const service = await startService({
    app,
    runner,
    closeStores: () => stores.close(),
    port: config.port,
    host: config.host,
    exitOnSignal: options.exitOnSignal === true,
  });
  started.service = service;
  return {
    url: service.url,
    port: service.port,
    apiKeys,
    storage: stores.description,
    events,
    runner,
    close: () => service.close(),
  };
}
