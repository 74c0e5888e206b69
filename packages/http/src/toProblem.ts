import { STATUS_CODES } from 'node:http';
import {
  isConcurrencyError,
  isDomainError,
  isForbiddenError,
  isNotFoundError,
  isReplayMismatchError,
  isStoreClosedError,
  isStoreUnavailableError,
  isTimeoutError,
  isValidationError,
  type ValidationIssue,
} from '@janus/core';
import { ProblemError } from './problemError.js';

/** An RFC 9457 problem document, as `application/problem+json`. */
export interface Problem {
  /** `/problems/<slug>`. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

/** A problem and the headers that go with it. */
export interface ProblemAnswer {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ProblemOptions {
  /** HTTP status of a DomainError by its code; every other code is a 422. */
  readonly domainErrorStatus?: Readonly<Record<string, number>>;
}

const TITLES: Readonly<Record<string, string>> = {
  'validation-error': 'Invalid request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'not-acceptable': 'Not acceptable',
  'concurrency-conflict': 'Concurrency conflict',
  'payload-too-large': 'Payload too large',
  'uri-too-long': 'URI too long',
  'unsupported-media-type': 'Unsupported media type',
  'consistency-timeout': 'Consistency timeout',
  unavailable: 'Service unavailable',
  internal: 'Internal server error',
};

/** The title of a slug: a known one, else the slug in words ('insufficient-funds' → 'Insufficient funds'). */
export function problemTitle(slug: string): string {
  const known = TITLES[slug];
  if (known !== undefined) return known;
  const words = slug.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A problem document; extensions never override the four standard members. */
export function problem(
  status: number,
  slug: string,
  detail: string,
  extensions: Readonly<Record<string, unknown>> = {},
): Problem {
  return { ...extensions, type: `/problems/${slug}`, title: problemTitle(slug), status, detail };
}

const answer = (p: Problem, headers: Readonly<Record<string, string>> = {}): ProblemAnswer => ({
  problem: p,
  headers,
});

export const validationProblem = (detail: string, issues: readonly ValidationIssue[]): Problem =>
  problem(400, 'validation-error', detail, {
    errors: issues.map(({ path, message }) => ({ path, message })),
  });

/** The one safe answer to a fault: nothing of the error itself reaches the client. */
export const internalProblem = (correlationId: string): Problem =>
  problem(
    500,
    'internal',
    `The server failed to handle this request. Quote correlation id ${correlationId} when reporting it.`,
  );

/**
 * Maps any error to the problem a client sees. Core errors by their kind, DomainError by its code (with
 * its extensions as members), Fastify's own request errors (bad JSON, body too large, media type) by
 * their code; everything else is a 500 that says nothing about its cause.
 */
export function toProblem(
  error: unknown,
  correlationId: string,
  options: ProblemOptions = {},
): ProblemAnswer {
  if (error instanceof ProblemError) {
    return answer(
      problem(error.status, error.slug, error.detail, error.options.extensions),
      error.options.headers,
    );
  }
  if (isValidationError(error)) return answer(validationProblem(error.message, error.issues));
  if (isForbiddenError(error)) return answer(problem(403, 'forbidden', error.message));
  if (isNotFoundError(error)) return answer(problem(404, 'not-found', error.message));
  if (isReplayMismatchError(error)) {
    // The answer of a command that committed could not be rebuilt for sure: no other answer in its place.
    return answer(
      problem(
        409,
        'concurrency-conflict',
        'This Idempotency-Key names a request that took effect, but its answer could not be given again ' +
          'for sure; look up its effect before sending anything new.',
      ),
    );
  }
  if (isConcurrencyError(error)) {
    return answer(
      problem(
        409,
        'concurrency-conflict',
        'The resource was changed by another request at the same time; retry.',
      ),
    );
  }
  if (isDomainError(error)) {
    const status = options.domainErrorStatus?.[error.code] ?? 422;
    return answer(problem(status, error.code, error.message, error.extensions));
  }
  if (isTimeoutError(error)) {
    return answer(problem(503, 'unavailable', 'A bounded wait ran out; retry later.'), {
      'retry-after': '1',
    });
  }
  if (isStoreUnavailableError(error)) {
    // What the store said stays in the log: a client learns only whether its request took effect.
    const detail = error.outcomeUnknown
      ? 'The database became unreachable while this request was being committed, and whether it took ' +
        'effect is not known. Check before retrying, or retry with the same Idempotency-Key.'
      : 'The database is unreachable for a moment; nothing was done. Retry later.';
    return answer(problem(503, 'unavailable', detail), { 'retry-after': '1' });
  }
  if (isStoreClosedError(error)) {
    return answer(problem(503, 'unavailable', 'The service is shutting down; retry later.'), {
      'retry-after': '1',
    });
  }
  return fastifyProblem(error) ?? answer(internalProblem(correlationId));
}

/**
 * The request errors of the framework and its plugins, all of them the client's doing; undefined for
 * anything else. Fastify's own carry a FST_ code and a 4xx status; plugins such as @fastify/static throw
 * http-errors (a 4xx status, `expose: true`); a body that never arrived in full (the client went away, or
 * a shutdown cut the upload) is Node's ECONNRESET with the 400 Fastify gives it.
 */
function fastifyProblem(error: unknown): ProblemAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode, status, expose } = error as {
    code?: unknown;
    statusCode?: unknown;
    status?: unknown;
    expose?: unknown;
  };
  const clientStatus = (value: unknown) => typeof value === 'number' && value >= 400 && value < 500;
  if (expose === true && clientStatus(status)) return answer(statusProblem(status as number));
  if (code === 'ECONNRESET' && statusCode === 400) {
    return answer(
      validationProblem('The request ended before its body was complete.', [
        { path: '', message: 'incomplete body' },
      ]),
    );
  }
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (!clientStatus(statusCode)) return undefined;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return answer(
        validationProblem('The body is not valid JSON.', [{ path: '', message: 'malformed JSON' }]),
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return answer(
        validationProblem('The body is empty but declared as JSON.', [{ path: '', message: 'empty body' }]),
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answer(problem(413, 'payload-too-large', 'The body is larger than this server accepts.'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return answer(
        problem(
          415,
          'unsupported-media-type',
          'The body must be JSON, sent as Content-Type: application/json.',
        ),
      );
    case 'FST_ERR_BAD_URL':
      return answer(
        validationProblem('The URL is not valid: a percent-encoding is malformed or not UTF-8.', [
          { path: '', message: 'malformed URL' },
        ]),
      );
    default:
      return answer(statusProblem(statusCode as number));
  }
}

/** The framework's refusals by status: the slug (named after the status) and what it means. */
const BY_STATUS: Readonly<Record<number, readonly [slug: string, detail: string]>> = {
  404: ['not-found', 'There is no such resource.'],
  405: ['method-not-allowed', 'This resource does not take this method.'],
  408: ['request-timeout', 'The request did not arrive in full in time.'],
  413: ['payload-too-large', 'The body is larger than this server accepts.'],
  414: ['uri-too-long', 'The URL is longer than this server accepts.'],
  415: ['unsupported-media-type', 'This media type is not accepted here.'],
  431: ['request-header-fields-too-large', "The request's headers are larger than this server accepts."],
};

/**
 * The problem for a client error that only its status describes (the framework's own refusals): a 400 is
 * a `validation-error` of the request as a whole; any other status has a slug that names it
 * (`uri-too-long`, `method-not-allowed`, `range-not-satisfiable`, …).
 */
export function statusProblem(status: number, detail?: string): Problem {
  if (status === 400) {
    return validationProblem(detail ?? 'The request is malformed.', [
      { path: '', message: 'malformed request' },
    ]);
  }
  const [slug, known] = BY_STATUS[status] ?? [
    (STATUS_CODES[status] ?? `status ${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    'The request cannot be handled.',
  ];
  return problem(status, slug, detail ?? known);
}
