import {
  isConcurrencyError,
  isDomainError,
  isForbiddenError,
  isNotFoundError,
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
  'unsupported-media-type': 'Unsupported media type',
  'consistency-timeout': 'Consistency timeout',
  'service-unavailable': 'Service unavailable',
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
    return answer(problem(503, 'service-unavailable', 'A bounded wait ran out; retry later.'), {
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
    return answer(problem(503, 'service-unavailable', 'The service is shutting down; retry later.'), {
      'retry-after': '1',
    });
  }
  return fastifyProblem(error) ?? answer(internalProblem(correlationId));
}

/** Fastify's request errors (they carry a FST_ code and a 4xx status); undefined for anything else. */
function fastifyProblem(error: unknown): ProblemAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
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
    default:
      if (statusCode === 404) return answer(problem(404, 'not-found', 'There is no such resource.'));
      if (statusCode === 400) {
        return answer(
          validationProblem('The request is malformed.', [{ path: '', message: 'malformed request' }]),
        );
      }
      return answer(problem(statusCode, `http-${statusCode}`, 'The request cannot be handled.'));
  }
}
