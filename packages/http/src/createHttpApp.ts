import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { CommandBus, Principal, QueryBus } from '@janus/core';
import {
  fastify,
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { pino, type Logger } from 'pino';
import type { Authenticator } from './bearerKeys.js';
import type { Consistency, ConsistencyLimits } from './consistencyHeaders.js';
import { DEFAULT_TIMEOUTS, type HttpTimeouts, type RateLimits } from './httpLimits.js';
import { answerClientError, MAX_URL_LENGTH } from './clientError.js';
import { correlationId } from './correlationId.js';
import { JanusMetrics } from './janusMetrics.js';
import { openApiDocument, type OpenApiInfo } from './openApiDocument.js';
import { openConnections } from './openConnections.js';
import { ProblemError } from './problemError.js';
import { rateLimitHook, rateLimitOptions } from './rateLimits.js';
import type { Route } from './route.js';
import { IdempotencyKeys, type IdempotencyOptions } from './idempotencyKeys.js';
import { HELMET_OPTIONS, SECURITY_HEADERS } from './securityHeaders.js';
import { serveCommand, serveQuery, type RouteContext } from './serveRoute.js';
import { useStrictJson } from './strictJson.js';
import { problem, toProblem, type Problem } from './toProblem.js';

export interface HttpAppOptions {
  readonly commands: CommandBus;
  readonly queries: QueryBus;
  /** The command and query routes, from commandRoute() and queryRoute(). */
  readonly routes: readonly Route[];
  /** Who sent a request; undefined is a 401. Operations routes (health, ready, metrics, openapi) skip it. */
  readonly authenticate: Authenticator;
  /** Read-your-writes for queries (X-Position, X-Min-Position); a ProjectionRunner fits. */
  readonly consistency?: Consistency;
  /** Default and maximum of X-Max-Wait-Ms (5000 and 30000 ms). */
  readonly consistencyLimits?: ConsistencyLimits;
  /** Default: a JanusMetrics of its own (pass yours to count appended events or collect projections). */
  readonly metrics?: JanusMetrics;
  /** A pino logger; default one on stdout at `logLevel`. */
  readonly logger?: Logger;
  /** Default 'info'. */
  readonly logLevel?: string;
  readonly openapi?: {
    readonly info: OpenApiInfo;
    readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  };
  /**
   * Requests per minute by role and per address without a valid key (see httpLimits.ts); over them a 429.
   * Unset: no rate limits (every Janus service sets them from its RATE_LIMIT_ variables).
   */
  readonly rateLimits?: RateLimits;
  /** How long a request may take to arrive, and a kept-alive connection may idle (DEFAULT_TIMEOUTS). */
  readonly timeouts?: HttpTimeouts;
  /** Largest request body in bytes (default 64 KiB): more is a 413. */
  readonly bodyLimit?: number;
  /** HTTP status of a DomainError by its code; every other code is a 422. */
  readonly domainErrorStatus?: Readonly<Record<string, number>>;
  /**
   * Where Idempotency-Key records live (the store the command handlers append to, which they must use
   * through core's `idempotentStore(store)` so that a key commits with its command's events), and how
   * long they are kept. Expired records are deleted while the app runs.
   */
  readonly idempotency?: IdempotencyOptions;
  /**
   * /metrics' projection read is shared by concurrent requests and its outcome reused for this long, in
   * ms (it is never rate-limited and asks the database). Default 1000; 0: only concurrent requests share
   * one.
   */
  readonly operationsCacheMs?: number;
}

/**
 * A Fastify instance (not listening) serving the declared command and query routes, with problem+json
 * errors, bearer authentication, consistency headers, correlation ids, metrics, health and OpenAPI.
 * Add routes of your own to it (a static UI, say): those are not authenticated by it.
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  // Typed as Fastify's logger interface, so that the app is a plain FastifyInstance.
  const logger: FastifyBaseLogger = options.logger ?? pino({ level: options.logLevel ?? 'info' });
  const metrics = options.metrics ?? new JanusMetrics();
  const problemOptions = options.domainErrorStatus ? { domainErrorStatus: options.domainErrorStatus } : {};
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  // The rate limits and the routes both ask who sent a request: once is enough.
  const authenticate = authenticateOnce(options.authenticate);
  const app = fastify({
    loggerInstance: logger,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // A client that trickles its headers or body is cut off (408, then the connection closes).
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks those timeouts every 30 s by default: a slow client would outlive them by that much.
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: 1000 },
    genReqId: (request) => correlationId(request.headers['x-correlation-id']),
    requestIdHeader: false,
    // While closing, new requests get the problem below instead of Fastify's own 503 body.
    return503OnClosing: false,
    // Only the URL as a whole has a length limit (414 below): a long path parameter reaches its route,
    // whose schema says what is wrong with it.
    routerOptions: { maxParamLength: MAX_URL_LENGTH },
    // A URL the router cannot decode (bad percent-encoding, not UTF-8): a problem like every other.
    frameworkErrors: (error, request, reply) => {
      const { problem: body, headers } = toProblem(error, request.id, problemOptions);
      metrics.httpRequest(request.method, 'unmatched', body.status, 0);
      request.log.info(
        { method: request.method, url: truncate(request.url), status: body.status },
        'request refused before routing',
      );
      // No hook runs for these: the security headers are put here.
      void sendProblem(
        reply.header('x-correlation-id', request.id).headers({ ...SECURITY_HEADERS, ...headers }),
        body,
      );
    },
    // What Node refuses before Fastify sees a request (malformed, too large, too slow): problem+json too.
    clientErrorHandler: (error, socket) => {
      answerClientError(error, socket, logger);
    },
  });
  app.removeContentTypeParser('text/plain');
  useStrictJson(app);

  // When the app closes (a graceful shutdown): queries stop waiting for X-Min-Position (503 at once), and
  // connections still sending a request are cut; requests received in full are answered.
  let closing = false;
  const shutdown = new AbortController();
  const connections = openConnections(app.server);
  app.addHook('preClose', (done) => {
    closing = true;
    shutdown.abort();
    const cut = connections.cutUnfinished();
    if (cut > 0)
      app.log.info({ connections: cut }, 'closing: cut connections with no request received in full');
    done();
  });

  // Registered first: Fastify adds the hooks below after it has loaded, so that every answer has its
  // headers, whichever hook or handler gives it.
  void app.register(fastifyHelmet, HELMET_OPTIONS);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-correlation-id', request.id);
    if (request.raw.url !== undefined && request.raw.url.length > MAX_URL_LENGTH) {
      done(new ProblemError(414, 'uri-too-long', `The URL is longer than ${MAX_URL_LENGTH} characters.`));
      return;
    }
    if (closing) {
      done(
        new ProblemError(503, 'unavailable', 'The service is shutting down; retry.', {
          headers: { 'retry-after': '1', connection: 'close' },
        }),
      );
      return;
    }
    done();
  });
  if (options.rateLimits) {
    void app.register(fastifyRateLimit, rateLimitOptions(options.rateLimits, authenticate));
    app.addHook('onRequest', rateLimitHook(app));
  }
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequest(request.method, route, reply.statusCode, seconds);
    const level = OPERATIONS.has(route) ? 'debug' : 'info';
    request.log[level](
      {
        method: request.method,
        url: request.url,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { problem: body, headers } = toProblem(error, request.id, problemOptions);
    // A fault is logged with its stack; a ProblemError is an answer given on purpose (a 503
    // consistency-timeout, say), which the request's own log line records.
    if (body.status >= 500 && !(error instanceof ProblemError)) {
      request.log.error({ err: error, problem: body.type }, 'request failed');
    }
    return sendProblem(reply.headers(headers), body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(404, 'not-found', `There is no route ${request.method} ${truncate(request.url)}.`),
    ),
  );

  const principals = new WeakMap<FastifyRequest, Principal>();
  const requireKey = async (request: FastifyRequest) => {
    principals.set(request, await requirePrincipal(authenticate, request));
  };
  const context: RouteContext = {
    commands: options.commands,
    queries: options.queries,
    consistency: options.consistency,
    limits: options.consistencyLimits ?? {},
    metrics,
    principals,
    slugOf: (error) => toProblem(error, '', problemOptions).problem.type.slice('/problems/'.length),
    problemOf: (error, correlationId) => toProblem(error, correlationId, problemOptions),
    idempotency: options.idempotency ? new IdempotencyKeys(options.idempotency) : undefined,
    shutdown: shutdown.signal,
  };
  const stopSweeping = context.idempotency?.sweepExpired((error) => {
    app.log.warn({ err: error }, 'deleting expired idempotency keys failed');
  });
  if (stopSweeping) {
    app.addHook('onClose', (_instance, done) => {
      stopSweeping();
      done();
    });
  }
  for (const route of options.routes) {
    app.route({
      method: route.method,
      url: route.url,
      onRequest: requireKey,
      handler: route.kind === 'command' ? serveCommand(route, context) : serveQuery(route, context),
    });
  }

  // A route whose message has no handler would answer every request with a 500: refuse to start instead.
  app.addHook('onReady', (done) => {
    const missing = options.routes.filter((r) =>
      r.kind === 'command'
        ? !options.commands.has(r.definition.type)
        : !options.queries.has(r.definition.type),
    );
    done(
      missing.length === 0
        ? undefined
        : new Error(
            `no handler is registered for ${missing.map((r) => `'${r.definition.type}'`).join(', ')}`,
          ),
    );
  });

  // /health and /ready are the service kit's (@janus/service's operationsRoutes): it knows what ready is.
  metrics.cacheProjections(options.operationsCacheMs ?? DEFAULT_OPERATIONS_CACHE_MS);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  let document: unknown;
  app.get(
    '/openapi.json',
    () =>
      (document ??= openApiDocument(options.routes, {
        info: options.openapi?.info ?? { title: 'Janus service', version: '0.0.0' },
        ...(options.openapi?.servers ? { servers: options.openapi.servers } : {}),
        ...problemOptions,
        consistency: options.consistency !== undefined,
        rateLimited: options.rateLimits !== undefined,
        ...(options.consistencyLimits?.defaultWaitMs === undefined
          ? {}
          : { defaultWaitMs: options.consistencyLimits.defaultWaitMs }),
        ...(options.consistencyLimits?.maxWaitMs === undefined
          ? {}
          : { maxWaitMs: options.consistencyLimits.maxWaitMs }),
      })),
  );
  return app;
}

/** The request's principal; a 401 problem (with WWW-Authenticate) when it has no valid credentials. */
export async function requirePrincipal(
  authenticate: Authenticator,
  request: FastifyRequest,
): Promise<Principal> {
  const principal = await authenticate(request);
  if (principal) return principal;
  const presented = request.headers.authorization !== undefined;
  throw new ProblemError(401, 'unauthorized', 'Send a valid API key as Authorization: Bearer <key>.', {
    headers: { 'www-authenticate': presented ? 'Bearer error="invalid_token"' : 'Bearer' },
  });
}

/** An Authenticator that asks `authenticate` once per request. */
function authenticateOnce(authenticate: Authenticator): Authenticator {
  const known = new WeakMap<FastifyRequest, Promise<Principal | undefined>>();
  return (request) => {
    let principal = known.get(request);
    if (!principal) {
      principal = Promise.resolve(authenticate(request));
      known.set(request, principal);
    }
    return principal;
  };
}

/** How long /ready's and /metrics' database reads are reused, in ms (/ready: @janus/service). */
export const DEFAULT_OPERATIONS_CACHE_MS = 1000;

const OPERATIONS = new Set(['/health', '/ready', '/metrics', '/openapi.json']);

const truncate = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}
