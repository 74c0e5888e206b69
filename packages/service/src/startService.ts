// One service started from its declaration: configuration, keys, stores, the projection runner, the
// buses with their policies, the HTTP app with /health, /ready and /metrics, listening with graceful
// shutdown. What used to be each app's startX.ts.
import path from 'node:path';
import process from 'node:process';
import {
  CommandBus,
  ProjectionRunner,
  QueryBus,
  authorization,
  idempotentStore,
  validation,
} from '@janus/core';
import { JanusMetrics, bearerKeys, countingAppends, createHttpApp } from '@janus/http';
import type { FastifyInstance } from 'fastify';
import { serviceKeys } from './apiKeys.js';
import type { RunningService, Service, ServiceDeps, ServiceStores, StartOptions } from './defineService.js';
import { listenService, type ListeningService } from './listenService.js';
import { openStores } from './openStores.js';
import { operationsRoutes } from './operationsRoutes.js';
import { readConfig } from './readConfig.js';
import { logNotice } from './runnerNotices.js';
import { serviceLogger } from './serviceLogger.js';

/** Starts a service (tests, and runService). A bad configuration is a ConfigError listing every bad value. */
export async function startService<R extends string, C>(
  service: Service<R, C>,
  options: StartOptions,
): Promise<RunningService<R, C>> {
  const config = readConfig(service, options.env, options.cwd ?? process.cwd());
  const opened = await openStores({
    sqliteFile: path.join(config.dataDir, service.env.sqliteFile),
    databaseUrl: config.databaseUrl,
    readDatabaseUrl: config.readDatabaseUrl,
  });
  // Closed once, whether by a failed start here or by the shutdown.
  let closing: Promise<void> | undefined;
  const stores = { ...opened, close: () => (closing ??= opened.close()) };
  try {
    // After the stores: the key secret is kept in the event store's database, so that every process on
    // one database makes the same key fingerprints.
    const apiKeys = await serviceKeys({ ...config, secretStore: stores.events }, service.roles);
    const { events, readModels } = stores;
    const storesView: ServiceStores = { kind: stores.kind, events, readModels };
    const projections =
      typeof service.projections === 'function' ? service.projections(storesView) : service.projections;
    // Both are set before anything can call these: the app below, the listening service once started.
    const started: { app?: FastifyInstance; listening?: ListeningService } = {};

    const metrics = new JanusMetrics({
      projections: () => runner.status(),
      processMetrics: options.processMetrics ?? true,
      onCollectError: (error) => {
        started.app?.log.warn({ err: error }, 'could not read the projections for /metrics');
      },
    });
    const counted = countingAppends(events, metrics);
    // Appends carry the request's Idempotency-Key, if any, so that the key commits with the command's events.
    const deps: ServiceDeps<R, C> = {
      ...storesView,
      store: idempotentStore(counted),
      retry: service.retry,
      config,
    };
    const workflowCommands = service.workflows?.commands({ ...deps, store: counted });
    const runner: ProjectionRunner = new ProjectionRunner({
      log: events,
      store: readModels,
      projections,
      ...(workflowCommands ? { workflows: service.workflows?.run ?? [], commands: workflowCommands } : {}),
      pollIntervalMs: service.runner?.pollIntervalMs ?? 500,
      ...(service.runner?.batchSize === undefined ? {} : { batchSize: service.runner.batchSize }),
      ...(service.runner?.retry === undefined ? {} : { retry: service.runner.retry }),
      onNotice: (notice) => {
        if (started.app) logNotice(started.app.log, notice);
      },
    });

    const commands = service.commands(
      new CommandBus().use(authorization(service.policies.commands(deps))).use(validation()),
      deps,
    );
    const queries = service.queries(
      new QueryBus().use(authorization(service.policies.queries(deps))).use(validation()),
      deps,
    );
    const authenticate = bearerKeys(apiKeys.principals);
    const { description } = service.openapi;
    const app = createHttpApp({
      commands,
      queries,
      routes: service.routes,
      authenticate,
      consistency: runner,
      metrics,
      logger: options.logger ?? serviceLogger(config.logLevel),
      rateLimits: config.limits.rate,
      timeouts: config.limits.timeouts,
      ...(service.bodyLimit === undefined ? {} : { bodyLimit: service.bodyLimit }),
      ...(service.domainErrors ? { domainErrorStatus: service.domainErrors } : {}),
      openapi: {
        info: {
          title: service.openapi.title,
          version: service.version,
          description: typeof description === 'function' ? description(config) : description,
        },
      },
      idempotency: {
        store: events,
        ttlMs: config.idempotencyTtlMs,
        ...(options.idempotencyClock ? { now: options.idempotencyClock } : {}),
      },
    });
    started.app = app;
    operationsRoutes(app, {
      // Ready: started, both stores answer (status reads the log's head and the checkpoints), and no
      // projection is stopped by a failure.
      ready: async () => {
        if (!started.listening?.running()) return false;
        const statuses = await runner.status();
        return (
          statuses.length === projections.length && statuses.every((status) => status.state !== 'stopped')
        );
      },
    });
    // Files opening made private (an older version or a copy left them open to others).
    for (const notice of stores.notices) app.log.warn(notice);
    await service.plugins?.(app, { ...deps, runner, authenticate });

    const server = await listenService({
      app,
      runner,
      closeStores: () => stores.close(),
      port: config.port,
      host: config.host,
      exitOnSignal: options.exitOnSignal === true,
    });
    started.listening = server;
    return {
      url: server.url,
      port: server.port,
      config,
      apiKeys,
      storage: stores.description,
      events,
      runner,
      close: () => server.close(),
    };
  } catch (error) {
    await stores.close().catch(() => undefined);
    throw error;
  }
}
