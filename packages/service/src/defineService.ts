// A service declared as data: its name, its environment, its roles and its features. runService and
// startService do the rest (configuration, keys, stores, the projection runner, HTTP, shutdown), the same
// way for every service.
import type {
  CommandBus,
  EventStore,
  GlobalLog,
  IdempotencyKeyStore,
  Policy,
  Projection,
  ProjectionRunner,
  ProjectionStore,
  QueryBus,
  ReadModels,
  RetryOptions,
  SnapshotStore,
  StreamIndex,
  Workflow,
} from '@janus/core';
import type { Authenticator, HttpAppOptions, Route } from '@janus/http';
import type { FastifyInstance } from 'fastify';
import type { ApiKeySet, Roles } from './apiKeys.js';
import type { ServiceConfig } from './serviceConfig.js';

/** The environment a service reads (`process.env` in main.ts, a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where a service's variables and files are: `SHOP` reads SHOP_DATA_DIR, SHOP_IDEMPOTENCY_TTL_HOURS … */
export interface ServiceEnvironment {
  /** The variables' prefix: <PREFIX>_DATA_DIR, <PREFIX>_IDEMPOTENCY_TTL_HOURS (keys: `roles.variable`). */
  readonly prefix: string;
  /** PORT's default. */
  readonly defaultPort: number;
  /** <PREFIX>_DATA_DIR's default, relative to the working directory. */
  readonly defaultDataDir: string;
  /** The SQLite file in the data folder, used when DATABASE_URL is not set. */
  readonly sqliteFile: string;
  /** Whether READ_DATABASE_URL may put the read models in another PostgreSQL database. */
  readonly readDatabase?: boolean;
}

/** Which database the events are in. */
export type StoreKind = 'sqlite' | 'postgres';

/** The stores a service opened. */
export interface ServiceStores {
  readonly kind: StoreKind;
  /** The events: the write side and the global log. */
  readonly events: EventStore & GlobalLog & StreamIndex & SnapshotStore & IdempotencyKeyStore;
  /** The read models and their checkpoints. */
  readonly readModels: ProjectionStore & ReadModels;
}

/** What the service's own parts are given. */
export interface ServiceDeps<R extends string = string, C = unknown> extends ServiceStores {
  /**
   * The store command handlers append through: the events, counted for /metrics, each append carrying
   * the request's Idempotency-Key so that the key commits with the command's events.
   */
  readonly store: EventStore;
  /** The service's `retry` for commands that meet a concurrency conflict. */
  readonly retry: RetryOptions | undefined;
  /** The configuration: what every service reads, and the service's own (`config`). */
  readonly config: ServiceConfig<R> & C;
}

/** What plugins are given besides the deps: the runner and how requests are authenticated. */
export interface PluginDeps<R extends string = string, C = unknown> extends ServiceDeps<R, C> {
  readonly runner: ProjectionRunner;
  readonly authenticate: Authenticator;
}

export interface ServiceDefinition<R extends string, C = unknown> {
  /** `shop`: in the banner ("Janus shop listening on …") and the logs. */
  readonly name: string;
  /** The OpenAPI document's version. */
  readonly version: string;
  readonly env: ServiceEnvironment;
  /** The roles an API key may have, and the variables of the keys and the key secret. */
  readonly roles: Roles<R>;
  /** Requests per minute by role kind, the defaults of RATE_LIMIT_<KIND>: one entry per kind of role. */
  readonly rateLimits: Readonly<Record<string, number>>;
  /** The read models; a function when they depend on the store (SQL read models in its dialect). */
  readonly projections: readonly Projection[] | ((stores: ServiceStores) => readonly Projection[]);
  /** Workflows, run by the projection runner, and the command bus they send their commands to. */
  readonly workflows?: {
    readonly run: readonly Workflow[];
    readonly commands: (deps: ServiceDeps<R, C>) => CommandBus;
  };
  /** The projection runner's tuning. */
  readonly runner?: {
    readonly pollIntervalMs?: number;
    readonly batchSize?: number;
    readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  };
  /** Registers the command handlers on a bus that already authorizes and validates. */
  readonly commands: (bus: CommandBus, deps: ServiceDeps<R, C>) => CommandBus;
  /** Registers the query handlers on a bus that already authorizes and validates. */
  readonly queries: (bus: QueryBus, deps: ServiceDeps<R, C>) => QueryBus;
  /** Who may send what. */
  readonly policies: {
    readonly commands: (deps: ServiceDeps<R, C>) => Policy;
    readonly queries: (deps: ServiceDeps<R, C>) => Policy;
  };
  /** How commands retry on a concurrency conflict before the caller gets a 409. */
  readonly retry?: RetryOptions;
  readonly routes: readonly Route[];
  /** HTTP statuses of domain error codes (default 422). */
  readonly domainErrors?: Readonly<Record<string, number>>;
  /** The OpenAPI document's title and description (a function when it quotes the configuration). */
  readonly openapi: {
    readonly title: string;
    readonly description: string | ((config: ServiceConfig<R> & C) => string);
  };
  /** The largest request body, in bytes (default Fastify's 1 MiB). */
  readonly bodyLimit?: number;
  /** Mounts more on the app before it listens: the admin console, a web UI. */
  readonly plugins?: (app: FastifyInstance, deps: PluginDeps<R, C>) => Promise<void> | void;
  /** Reads the service's own variables; pushes what is wrong to `problems`. */
  readonly config?: (env: Env, problems: string[]) => C;
  /** Lines printed after "Janus <name> listening on <url>" (a web UI's address, say). */
  readonly banner?: (url: string) => readonly string[];
}

/** A declared service: what runService and startService run. */
export interface Service<R extends string = string, C = unknown> extends ServiceDefinition<R, C> {
  readonly kind: 'janus-service';
}

/** Declares a service. Nothing starts: pass it to runService (main.ts) or startService (tests). */
export function defineService<R extends string, C = unknown>(
  definition: ServiceDefinition<R, C>,
): Service<R, C> {
  return { ...definition, kind: 'janus-service' };
}

/** How tests (and runService) start a service. */
export interface StartOptions {
  /** The variables, as main.ts would pass process.env. */
  readonly env: Env;
  /** What relative folders are resolved against; default process.cwd(). */
  readonly cwd?: string;
  /** The service's logger (tests pass one that keeps its lines); default serviceLogger at LOG_LEVEL. */
  readonly logger?: HttpAppOptions['logger'];
  /** Node process metrics in /metrics too. Default true. */
  readonly processMetrics?: boolean;
  /** The clock new Idempotency-Keys take their time and expiry from (tests); default Date.now. */
  readonly idempotencyClock?: () => number;
  /** SIGTERM/SIGINT shut down gracefully, then exit the process (runService). Default false. */
  readonly exitOnSignal?: boolean;
}

/** A started service. */
export interface RunningService<R extends string = string, C = unknown> {
  /** Where it listens: `http://127.0.0.1:3001`. */
  readonly url: string;
  readonly port: number;
  readonly config: ServiceConfig<R> & C;
  /** The API keys it accepts, and where they came from. */
  readonly apiKeys: ApiKeySet<R>;
  /** For people: where the events and read models are (no passwords). */
  readonly storage: string;
  readonly events: ServiceStores['events'];
  readonly runner: ProjectionRunner;
  /** Stops accepting, finishes requests in flight, stops the runner, closes the stores. */
  close(): Promise<void>;
}
