// The shop service assembled: stores, the projection runner (read models and the fulfilment workflow),
// the buses with their policies, the HTTP app, listening. main.ts reads the configuration and calls
// startShop; the e2e tests call it the same way.
import path from 'node:path';
import {
  CommandBus,
  ProjectionRunner,
  QueryBus,
  authorization,
  idempotentStore,
  validation,
  type EventStore,
  type GlobalLog,
  type RetryOptions,
} from '@janus/core';
import {
  JanusMetrics,
  bearerKeys,
  createHttpApp,
  startService,
  type StartedService,
  type HttpAppOptions,
  type Route,
  countingAppends,
  serviceKeys,
} from '@janus/http';
import { openStores } from '@janus/stores';
import { shopRoles, type ApiKeySet } from '../apiKeys.js';
import type { ShopConfig } from '../config.js';
import { fulfilmentCommands } from '../fulfilment/fulfilmentCommands.js';
import { orderOwner } from '../orders/orderHandlers.js';
import { registerShopCommands, registerShopQueries, shopProjections } from '../shop.js';
import { commandPolicy, queryPolicy } from './access.js';
import { cartRoutes } from './cartRoutes.js';
import { catalogRoutes } from './catalogRoutes.js';
import { orderRoutes } from './orderRoutes.js';

export const shopRoutes: readonly Route[] = [...catalogRoutes, ...cartRoutes, ...orderRoutes];

export const SHOP_VERSION = '0.1.0';

/**
 * Conflicting commands are retried inside the service. Many customers ordering the same product make
 * the fulfilment workflow's reservations the only writers of its inventory stream, so conflicts there
 * come from admins stocking it; the budget is generous all the same.
 */
const COMMAND_RETRY: RetryOptions = { attempts: 20, baseDelayMs: 2, maxDelayMs: 50 };

/** The shop's SQLite file, in SHOP_DATA_DIR. */
export const SQLITE_FILE = 'shop.db';

export interface StartShopOptions {
  /** SIGTERM/SIGINT shut the service down gracefully, then exit the process. For main.ts. */
  readonly exitOnSignal?: boolean;
  /** Node process metrics in /metrics too. Default true. */
  readonly processMetrics?: boolean;
  /** The service's logger (tests pass one that keeps its lines); default a pino logger on stdout at LOG_LEVEL. */
  readonly logger?: HttpAppOptions['logger'];
}

export interface RunningShop {
  readonly url: string;
  readonly port: number;
  readonly apiKeys: ApiKeySet;
  readonly storage: string;
  readonly events: EventStore & GlobalLog;
  close(): Promise<void>;
}

export async function startShop(config: ShopConfig, options: StartShopOptions = {}): Promise<RunningShop> {
  const stores = await openStores({
    sqliteFile: path.join(config.dataDir, SQLITE_FILE),
    databaseUrl: config.databaseUrl,
  });
  // After the stores: the key secret is kept in the event store's database, so that every process on
  // one database makes the same key fingerprints.
  const apiKeys = await serviceKeys({ ...config, secretStore: stores.events }, shopRoles).catch(
    async (error: unknown) => {
      await stores.close();
      throw error;
    },
  );
  const { events, readModels } = stores;
  // Set once started: /ready asks it whether the projection runner runs.
  const started: { service?: StartedService } = {};

  const metrics: JanusMetrics = new JanusMetrics({
    projections: () => runner.status(),
    processMetrics: options.processMetrics ?? true,
    onCollectError: (error) => {
      app.log.warn({ err: error }, 'could not read the projections for /metrics');
    },
  });
  const counted = countingAppends(events, metrics);
  const runner: ProjectionRunner = new ProjectionRunner({
    log: events,
    store: readModels,
    projections: shopProjections,
    commands: fulfilmentCommands({ store: counted, retry: COMMAND_RETRY }),
    pollIntervalMs: 200,
    retry: { initialDelayMs: 20, maxDelayMs: 1000 },
    onNotice: (notice) => {
      if (notice.kind === 'failed' || notice.kind === 'error') {
        app.log.error({ projection: notice.projection, err: notice.error }, 'projection failed');
      } else if (notice.kind === 'recovered') {
        app.log.info({ projection: notice.projection }, 'projection recovered');
      }
    },
  });

  // Appends carry the request's Idempotency-Key, if any, so that the key commits with the command's events.
  const commandStore = idempotentStore(counted);
  const owners = (orderId: string) => orderOwner(events, orderId);
  const commands = registerShopCommands(
    new CommandBus().use(authorization(commandPolicy(owners))).use(validation()),
    { store: commandStore, retry: COMMAND_RETRY },
  );
  const queries = registerShopQueries(
    new QueryBus().use(authorization(queryPolicy(owners))).use(validation()),
    { readModels, store: events },
  );

  const app = createHttpApp({
    commands,
    queries,
    routes: shopRoutes,
    authenticate: bearerKeys(apiKeys.principals),
    consistency: runner,
    metrics,
    ready: async () => {
      if (!started.service?.running()) return false;
      const statuses = await runner.status();
      return (
        statuses.length === shopProjections.length && statuses.every((status) => status.state !== 'stopped')
      );
    },
    logLevel: config.logLevel,
    rateLimits: config.limits.rate,
    timeouts: config.limits.timeouts,
    ...(options.logger ? { logger: options.logger } : {}),
    domainErrorStatus: {
      'product-exists': 409,
      'order-exists': 409,
      'order-not-pending': 409,
      'order-not-cancellable': 409,
    },
    openapi: {
      info: {
        title: 'Janus Shop',
        version: SHOP_VERSION,
        description: [
          'The shop reference service built on Janus: a catalog with stock, carts, and orders fulfilled ' +
            'by a workflow that reserves stock for every line.',
          '',
          '- Money is a JSON string: a decimal with at most two fraction digits in requests, exactly two ' +
            'in answers.',
          '- Roles: `admin` (the catalog and stock, every cart and order, the report) and ' +
            "`customer:<customerId>` (its own cart and orders; another customer's cart: 403; an order " +
            'that is not its own: 404; products: read only).',
          '- Commands answer `position`; a query sent with `X-Min-Position` answers once its read ' +
            'models reached it (waiting up to `X-Max-Wait-Ms`).',
          '- Any command may carry `Idempotency-Key`: a retry with the same key, caller and body gets the ' +
            'first answer again (`Idempotent-Replayed: true`), even after a restart, until the key expires ' +
            '(`SHOP_IDEMPOTENCY_TTL_HOURS`, default 24).',
          '- Limits: requests per minute per key by role (RATE_LIMIT_CUSTOMER 600, RATE_LIMIT_ADMIN 300000) and per address without a ' +
            'valid key (RATE_LIMIT_ANONYMOUS 300); over them a 429 `rate-limited` with `Retry-After` (seconds). ' +
            '/health, /ready and /metrics are never limited. A request must arrive within ' +
            'HTTP_REQUEST_TIMEOUT_MS (default 30 s).',
          '- A JSON body with a key given twice, at any depth, is a 400 naming the key. A product `name`, `emoji` or a cancel `reason` with a lone ' +
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
    close: () => service.close(),
  };
}
