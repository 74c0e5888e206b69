import {
  isDomainError,
  isTimeoutError,
  isValidationError,
  uuidv7,
  type CommandBus,
  type Principal,
  type QueryBus,
  type Request,
} from '@janus/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NO_BODY, type CommandRoute } from './commandRoute.js';
import { idempotencyKey, requestFingerprint, type IdempotencyKeys } from './idempotencyKeys.js';
import { parseConsistencyHeaders, type Consistency, type ConsistencyLimits } from './consistencyHeaders.js';
import type { JanusMetrics } from './janusMetrics.js';
import { stringifyBody } from './jsonPosition.js';
import { negotiate } from './negotiate.js';
import { parseInput } from './parseInput.js';
import { ProblemError } from './problemError.js';
import type { QueryRoute, Representation } from './queryRoute.js';
import type { ProblemAnswer } from './toProblem.js';
import type { HttpAnswer, RequestContext } from './route.js';

/** What route handlers share within one app. */
export interface RouteContext {
  readonly commands: CommandBus;
  readonly queries: QueryBus;
  readonly consistency: Consistency | undefined;
  readonly limits: ConsistencyLimits;
  readonly metrics: JanusMetrics;
  /** The principal of each authenticated request, set by the authentication hook. */
  readonly principals: WeakMap<FastifyRequest, Principal>;
  /** The problem slug an error becomes: the outcome label of the metrics. */
  readonly slugOf: (error: unknown) => string;
  /** The problem an error becomes (for answers kept with an idempotency key). */
  readonly problemOf: (error: unknown, correlationId: string) => ProblemAnswer;
  readonly idempotency: IdempotencyKeys | undefined;
  /** Aborted when the app begins to close: a query waiting for X-Min-Position stops at once (503). */
  readonly shutdown: AbortSignal;
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** The request handler of a command route: parse, map, send on the command bus, answer. */
export function serveCommand(route: CommandRoute, context: RouteContext): Handler {
  return async (request, reply) => {
    if (route.body !== undefined && !isJson(request.headers['content-type'])) {
      throw new ProblemError(
        415,
        'unsupported-media-type',
        'A command body must be JSON, sent as Content-Type: application/json.',
      );
    }
    const base = requestContext(request, context);
    const params = route.params
      ? await parseInput(route.params, request.params, 'path parameters')
      : request.params;
    const body = await parseInput(
      route.body ?? NO_BODY,
      request.body === undefined ? {} : request.body,
      'body',
    );
    const key = idempotencyKey(request.headers['idempotency-key']);
    const execute = async (messageId: string, timestamp?: string) => {
      const input = { ...base, messageId, params, body };
      const message: Request = route.definition(await route.toData(input), {
        messageId,
        correlationId: base.correlationId,
        principal: base.principal,
        ...(timestamp === undefined ? {} : { timestamp }),
      });
      const result = await measured(
        () => context.commands.send(message),
        (outcome, seconds) => {
          context.metrics.command(route.definition.type, outcome, seconds);
        },
        context.slugOf,
      );
      return route.toResponse(result, input);
    };
    if (key === undefined || context.idempotency === undefined) {
      // Time-ordered: the command's event ids derive from it, and ordered ids keep the stores' id indexes
      // appending at their end instead of touching a random page per command.
      return sendJson(reply, await execute(uuidv7()), route.status);
    }
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const { answer, replayed } = await context.idempotency.run(
      key,
      base.principal.id,
      fingerprint,
      async ({ messageId, timestamp }) => {
        try {
          const answered = await execute(messageId, timestamp);
          const stored = {
            status: answered.status ?? route.status,
            headers: answered.headers ?? {},
            problem: false,
          };
          // As JSON would carry it: bigints become numbers or strings, once, the same for the replay.
          const json =
            answered.body === undefined ? undefined : (JSON.parse(stringifyBody(answered.body)) as unknown);
          return { ...stored, body: json };
        } catch (error) {
          // A refusal is an answer too, and a retry gets it again; a conflict, a fault, and a refusal of
          // who asks (401, 403, 404) are not kept.
          if (!isFinalRefusal(error)) throw error;
          const { problem, headers } = context.problemOf(error, base.correlationId);
          return { status: problem.status, body: problem, headers, problem: true };
        }
      },
      (error) => {
        request.log.warn(
          { err: error, idempotencyKey: key },
          'saving the answer of a keyed command failed; it is answered all the same, and a retry rebuilds it',
        );
      },
    );
    if (replayed) void reply.header('idempotent-replayed', 'true');
    if (answer.problem) {
      return reply
        .status(answer.status)
        .headers(answer.headers)
        .type('application/problem+json')
        .send(JSON.stringify(answer.body));
    }
    return sendJson(
      reply,
      { status: answer.status, body: answer.body, headers: answer.headers },
      answer.status,
    );
  };
}

/**
 * Refusals of the command that stay refusals: kept with an idempotency key. Conflicts, time-outs and
 * faults are not, nor refusals of the caller (403, and the 404 of what it may not see): an auditor's
 * keyed requests write nothing anywhere.
 */
const isFinalRefusal = (error: unknown) => isDomainError(error) || isValidationError(error);

/** The request handler of a query route: negotiate, parse, wait for X-Min-Position, ask, answer with X-Position. */
export function serveQuery(route: QueryRoute, context: RouteContext): Handler {
  const { consistency } = context;
  return async (request, reply) => {
    const mediaType = negotiate(request.headers.accept, route.mediaTypes);
    if (mediaType === undefined) {
      throw new ProblemError(
        406,
        'not-acceptable',
        `Available representations: ${route.mediaTypes.join(', ')}.`,
      );
    }
    const wait = parseConsistencyHeaders(request.headers, context.limits);
    if (wait !== undefined && consistency === undefined) {
      throw new ProblemError(400, 'validation-error', 'This server does not support X-Min-Position.', {
        extensions: { errors: [{ path: 'X-Min-Position', message: 'not supported' }] },
      });
    }
    const base = requestContext(request, context);
    const params = route.params
      ? await parseInput(route.params, request.params, 'path parameters')
      : request.params;
    const query = await parseInput(route.querystring ?? NO_BODY, request.query, 'query string');
    const input = { ...base, params, query };
    const data = await route.toData(input);
    const message: Request = route.definition(data, {
      correlationId: base.correlationId,
      principal: base.principal,
    });
    const signal = abortOnDisconnect(reply);
    const projections = route.projections ? { projections: route.projections } : {};
    const result = await measured(
      async () => {
        if (wait && consistency) {
          await consistency.waitFor(wait.minPosition, {
            timeoutMs: wait.waitMs,
            signal: AbortSignal.any([signal, context.shutdown]),
            ...projections,
          });
        }
        // Read before the query runs: read models only move forward, so the answer reflects at least this.
        const position = await consistency?.position(route.projections);
        // Set now, so that a problem answer (a 404, say) tells which state it reflects too.
        if (position !== undefined) void reply.header('x-position', position.toString());
        return await context.queries.ask(message, { signal });
      },
      (outcome, seconds) => {
        context.metrics.query(route.definition.type, outcome, seconds);
      },
      (error) => (isTimeoutError(error) ? 'consistency-timeout' : context.slugOf(error)),
    ).catch((error: unknown) => {
      if (!isTimeoutError(error)) throw error;
      throw new ProblemError(
        503,
        'consistency-timeout',
        'The read models did not reach X-Min-Position in time; retry.',
        {
          headers: { 'retry-after': '1' },
        },
      );
    });
    if (route.mediaTypes.length > 1) void reply.header('vary', 'Accept');
    if (mediaType === 'application/json') return sendJson(reply, route.toResponse(result, input), 200);
    const producer = route.produces[mediaType];
    if (!producer) throw new Error(`no producer for ${mediaType}`);
    return sendRepresentation(reply, mediaType, producer(result, input));
  };
}

function requestContext(request: FastifyRequest, context: RouteContext): RequestContext {
  const principal = context.principals.get(request);
  if (!principal) throw new Error('a declared route ran without its authentication hook');
  return { principal, correlationId: request.id, request };
}

const isJson = (contentType: string | undefined) =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

async function measured<T>(
  run: () => Promise<T>,
  record: (outcome: string, seconds: number) => void,
  slugOf: (error: unknown) => string,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    record('success', (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    record(slugOf(error), (performance.now() - started) / 1000);
    throw error;
  }
}

/** Aborts when the client goes away before its answer: a query stops waiting for nobody. */
function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

function sendJson(reply: FastifyReply, answer: HttpAnswer, status: number): FastifyReply {
  void reply.status(answer.status ?? status);
  if (answer.headers) void reply.headers(answer.headers);
  if (answer.body === undefined) return reply.send();
  return reply.type('application/json; charset=utf-8').send(stringifyBody(answer.body));
}

function sendRepresentation(
  reply: FastifyReply,
  mediaType: string,
  produced: Representation | string | Uint8Array,
): FastifyReply {
  const { body, headers } =
    typeof produced === 'string' || produced instanceof Uint8Array
      ? { body: produced, headers: undefined }
      : produced;
  if (headers) void reply.headers(headers);
  const type =
    typeof body === 'string' && mediaType.startsWith('text/') ? `${mediaType}; charset=utf-8` : mediaType;
  return reply
    .status(200)
    .type(type)
    .send(typeof body === 'string' ? body : Buffer.from(body));
}
