// The bank service assembled: stores, the projection runner, the buses with their policies, the HTTP app,
// listening. main.ts reads the configuration and calls startBank; the e2e tests call it the same way.
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
  type IdempotencyKeyStore,
  type RetryOptions,
} from '@janus/core';
import {
  JanusMetrics,
  bearerKeys,
  countingAppends,
  createHttpApp,
  startService,
  type StartedService,
  type HttpAppOptions,
  type Route,
  serviceKeys,
} from '@janus/http';
import { adminConsole } from '@janus/console';
import { openStores } from '@janus/stores';
import { accountOwner } from '../accounts/accountHandlers.js';
import { accountSnapshots } from '../accounts/accountSnapshots.js';
import { findAccount } from '../accounts/accountQueries.js';
import { bankRoles, type ApiKeySet } from '../apiKeys.js';
import { bankProjections, registerBankCommands, registerBankQueries } from '../bank.js';
import type { BankConfig } from '../config.js';
import { commandPolicy, queryPolicy } from './access.js';
import { accountRoutes } from './accountRoutes.js';
import { serveBankUi } from './bankUi.js';
import { fraudRoutes } from './fraudRoutes.js';
import { historyRoutes } from './historyRoutes.js';
import { GetSession, sessionRoutes, whoIsAsking } from './sessionRoutes.js';
import { RenderStatement, renderStatement, statementRoutes } from './statementRoutes.js';
import { statisticsRoutes } from './statisticsRoutes.js';
import { transferRoutes } from './transferRoutes.js';

/** The bank's SQLite file, in BANK_DATA_DIR. */
export const SQLITE_FILE = 'bank.db';

/** Every route of the contract, and /session for the web UI. */
export const bankRoutes: readonly Route[] = [
  ...accountRoutes,
  ...transferRoutes,
  ...historyRoutes,
  ...statisticsRoutes,
  ...statementRoutes,
  ...fraudRoutes,
  ...sessionRoutes,
];

/**
 * How hard a command retries when its stream moved under it (optimistic concurrency) before the client
 * sees a 409: enough for a few hundred concurrent transfers on a handful of accounts.
 */
export const COMMAND_RETRY: RetryOptions = { attempts: 25, baseDelayMs: 5, maxDelayMs: 250 };

export const BANK_VERSION = '0.1.0';

export interface StartBankOptions {
  /**
   * SIGTERM and SIGINT shut the service down gracefully, then exit the process (0; 1 if that took over
   * 10 s). For main.ts; without it (tests) only close() stops the service and the process never exits.
   */
  readonly exitOnSignal?: boolean;
  /** Node process metrics (memory, CPU, event loop) in /metrics too. Default true. */
  readonly processMetrics?: boolean;
  /** The service's logger (tests pass one that keeps its lines); default a pino logger on stdout at LOG_LEVEL. */
  readonly logger?: HttpAppOptions['logger'];
  /** The clock new Idempotency-Keys take their time and expiry from (tests); default Date.now. */
  readonly idempotencyClock?: () => number;
}

export interface RunningBank {
  /** Where it listens: `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  /** The API keys it accepts, and where they came from. */
  readonly apiKeys: ApiKeySet;
  /** For people: where the events and read models are. */
  readonly storage: string;
  /** The event store (tests look at its head to prove that a refused request wrote nothing). */
  readonly events: EventStore & GlobalLog & IdempotencyKeyStore;
  /** Stops accepting connections, finishes requests in flight, stops the projections, closes the stores. */
  close(): Promise<void>;
}

/** A key lifetime for people: "24 hours", "1.5 hours". */
const formatHours = (ms: number) => {
  const hours = ms / 3_600_000;
  return `${Number.isInteger(hours) ? hours : Number(hours.toPrecision(3))} hour${hours === 1 ? '' : 's'}`;
};

/** Opens the stores, starts the projections and listens. Everything it needs is in `config`. */
export async function startBank(config: BankConfig, options: StartBankOptions = {}): Promise<RunningBank> {
  const stores = await openStores({
    sqliteFile: path.join(config.dataDir, SQLITE_FILE),
    databaseUrl: config.databaseUrl,
    readDatabaseUrl: config.readDatabaseUrl,
  });
  // After the stores: the key secret is kept in the event store's database, so that every process on
  // one database makes the same key fingerprints.
  const apiKeys = await serviceKeys({ ...config, secretStore: stores.events }, bankRoles).catch(
    async (error: unknown) => {
      await stores.close();
      throw error;
    },
  );
  const { events, readModels } = stores;
  // Set once started: /ready asks it whether the projection runner runs.
  const started: { service?: StartedService } = {};

  const runner = new ProjectionRunner({
    log: events,
    store: readModels,
    projections: bankProjections,
    pollIntervalMs: 500,
    onNotice: (notice) => {
      if (notice.kind === 'failed' || notice.kind === 'error') {
        app.log.error({ projection: notice.projection, err: notice.error }, 'projection failed');
      } else if (notice.kind === 'recovered') {
        app.log.info({ projection: notice.projection }, 'projection recovered');
      }
    },
  });
  const metrics = new JanusMetrics({
    projections: () => runner.status(),
    processMetrics: options.processMetrics ?? true,
    onCollectError: (error) => {
      app.log.warn({ err: error }, 'could not read the projections for /metrics');
    },
  });

  // Appends carry the request's Idempotency-Key, if any, so that the key commits with the command's events;
  // and a retry whose first answer was lost rebuilds it through this store's replay view.
  const commandStore = idempotentStore(countingAppends(events, metrics));
  const commands = registerBankCommands(
    new CommandBus()
      .use(authorization(commandPolicy((accountId) => accountOwner(events, accountId))))
      .use(validation()),
    {
      store: commandStore,
      fraud: config.fraud,
      retry: COMMAND_RETRY,
      snapshots: accountSnapshots(events, config.fraud),
    },
  );
  const queryDeps = { readModels, store: events };
  const queries = registerBankQueries(
    new QueryBus()
      .use(
        authorization(
          queryPolicy(
            async (accountId) =>
              // The read model answers what the query itself reads; the write side, never behind, covers an
              // account the read model has not seen yet (an `asOf` query reads events).
              (await findAccount(readModels, accountId))?.customerId ??
              (await accountOwner(events, accountId)),
          ),
        ),
      )
      .use(validation()),
    queryDeps,
  )
    .register(RenderStatement, renderStatement(queryDeps))
    .register(GetSession, whoIsAsking);

  const httpOptions: HttpAppOptions = {
    commands,
    queries,
    routes: bankRoutes,
    authenticate: bearerKeys(apiKeys.principals),
    consistency: runner,
    metrics,
    // Ready: started, both stores answer (status reads the log's head and the checkpoints), and no
    // projection is stopped by a failure.
    ready: async () => {
      if (!started.service?.running()) return false;
      const statuses = await runner.status();
      return (
        statuses.length === bankProjections.length && statuses.every((status) => status.state !== 'stopped')
      );
    },
    logLevel: config.logLevel,
    rateLimits: config.limits.rate,
    timeouts: config.limits.timeouts,
    ...(options.logger ? { logger: options.logger } : {}),
    openapi: {
      info: {
        title: 'Janus Bank',
        version: BANK_VERSION,
        description: [
          'The reference banking service built on Janus.',
          '',
          '- Money is a JSON string: a decimal with at most two fraction digits in requests (greater than ' +
            'zero, at most 1000000000.00), exactly two in answers.',
          '- Ids are made by the server (UUIDv7). An account id in a path, a query string or a transfer ' +
            'is 1 to 64 characters of A-Z, a-z, 0-9, _ or -; anything else is a 400 before any lookup.',
          '- Roles: `teller` (everything), `auditor` (every query, no command: 403), ' +
            '`customer:<customerId>` (opens accounts for itself, else 403; deposits to and withdraws ' +
            'from its own accounts; transfers from its own accounts to any account; may not close ' +
            'accounts: 403; reads its own accounts and summary; /fraud/alerts: 403). Another ' +
            "customer's account or summary is a 404, word for word as if it did not exist.",
          '- Commands answer `position`; a query sent with `X-Min-Position` answers once its read ' +
            'models reached it (waiting up to `X-Max-Wait-Ms`, default 5000, at most 30000).',
          '- Conflicting concurrent commands are retried inside the service; 409 ' +
            '`concurrency-conflict` only when the retries run out.',
          '- Any command may carry `Idempotency-Key` (1–255 visible ASCII characters): a retry with the ' +
            'same key, caller and body gets the first answer again (`Idempotent-Replayed: true`), even ' +
            'after a restart; another body is a 422 `idempotency-key-reused`; while the first request ' +
            'runs, a 409 `idempotency-in-flight`. A body with the same JSON members in another order is the ' +
            'same request. Keys are kept with the events, apart from the event log, for ' +
            `${formatHours(config.idempotencyTtlMs)}; after that the same key is a new request. A 401, a 403 ` +
            "or the 404 of another customer's account is not kept.",
          '- Limits: requests per minute per key by role (RATE_LIMIT_CUSTOMER 600, _AUDITOR 6000, _TELLER 300000) and per address without a ' +
            'valid key (RATE_LIMIT_ANONYMOUS 300); over them a 429 `rate-limited` with `Retry-After` (seconds). ' +
            '/health, /ready and /metrics are never limited. A request must arrive within ' +
            'HTTP_REQUEST_TIMEOUT_MS (default 30 s).',
          '- A JSON body with a key given twice, at any depth, is a 400 naming the key. A `description` with a lone ' +
            'surrogate or a bidirectional control character (U+202A–U+202E, U+2066–U+2069) is a 400 ' +
            'naming the field.',
        ].join('\n'),
      },
    },
    // The key commits with its command's events: the command handlers append through commandStore.
    idempotency: {
      store: events,
      ttlMs: config.idempotencyTtlMs,
      ...(options.idempotencyClock ? { now: options.idempotencyClock } : {}),
    },
  };
  const app = createHttpApp(httpOptions);
  await serveBankUi(app);
  // The admin console at /admin/ (streams, the global log, projections), for tellers only.
  await app.register(
    adminConsole({
      authenticate: httpOptions.authenticate,
      authorize: (principal) => principal.roles.includes('teller'),
      store: events,
      projections: runner,
      liveFeedsPerKey: config.limits.liveFeedsPerKey,
    }),
  );

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
