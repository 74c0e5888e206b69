import {
  ConcurrencyError,
  DomainError,
  ForbiddenError,
  NoHandlerError,
  NotFoundError,
  StoreClosedError,
  StoreUnavailableError,
  TimeoutError,
  ValidationError,
} from '@janus/core';
import { describe, expect, test } from 'vitest';
import { ProblemError } from './problemError.js';
import { problem, problemTitle, toProblem } from './toProblem.js';

const of = (error: unknown) =>
  toProblem(error, 'corr-1', { domainErrorStatus: { 'month-not-started': 409 } });

describe('toProblem', () => {
  test('core errors by kind', () => {
    expect(of(new ValidationError('bad', [{ path: 'amount', message: 'too small' }])).problem).toEqual({
      type: '/problems/validation-error',
      title: 'Invalid request',
      status: 400,
      detail: 'bad',
      errors: [{ path: 'amount', message: 'too small' }],
    });
    expect(of(new ForbiddenError('no')).problem).toMatchObject({ type: '/problems/forbidden', status: 403 });
    expect(of(new NotFoundError('gone')).problem).toMatchObject({ type: '/problems/not-found', status: 404 });
    const conflict = of(new ConcurrencyError('account-1', '3', 4)).problem;
    expect(conflict).toMatchObject({ type: '/problems/concurrency-conflict', status: 409 });
    expect(JSON.stringify(conflict)).not.toContain('account-1');
    // The contract's one slug for a service that cannot serve for a moment: `unavailable`, with Retry-After.
    expect(of(new TimeoutError('slow'))).toMatchObject({
      problem: { type: '/problems/unavailable', status: 503 },
      headers: { 'retry-after': '1' },
    });
    expect(of(new StoreClosedError('store'))).toMatchObject({
      problem: { type: '/problems/unavailable', status: 503 },
      headers: { 'retry-after': '1' },
    });
  });

  test('a store unavailable for a moment: 503 unavailable with Retry-After, saying nothing of its cause', () => {
    const cause = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const unavailable = of(
      new StoreUnavailableError('PostgreSQL at db.internal:5432 is unreachable', { cause }),
    );
    expect(unavailable).toEqual({
      problem: {
        type: '/problems/unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'The database is unreachable for a moment; nothing was done. Retry later.',
      },
      headers: { 'retry-after': '1' },
    });
    const unknown = of(new StoreUnavailableError('outcome unknown', { cause, outcomeUnknown: true }));
    expect(unknown.problem).toMatchObject({ type: '/problems/unavailable', status: 503 });
    expect(unknown.problem.detail).toMatch(/whether it took effect is not known/);
    expect(unknown.headers).toEqual({ 'retry-after': '1' });
    expect(JSON.stringify([unavailable, unknown])).not.toMatch(/57P01|administrator|db\.internal/);
  });

  test('a DomainError: its code, its message, its extensions; never overriding the standard members', () => {
    const error = new DomainError('fraud-suspected', 'velocity rule', {
      rule: 'velocity',
      status: 200,
      type: 'x',
    });
    expect(of(error).problem).toEqual({
      type: '/problems/fraud-suspected',
      title: 'Fraud suspected',
      status: 422,
      detail: 'velocity rule',
      rule: 'velocity',
    });
    expect(of(new DomainError('month-not-started')).problem.status).toBe(409);
  });

  test('Fastify request errors', () => {
    const fst = (code: string, statusCode: number) => Object.assign(new Error('x'), { code, statusCode });
    expect(of(fst('FST_ERR_CTP_INVALID_JSON_BODY', 400)).problem).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ path: '', message: 'malformed JSON' }],
    });
    expect(of(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413)).problem.type).toBe('/problems/payload-too-large');
    expect(of(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).problem.type).toBe(
      '/problems/unsupported-media-type',
    );
    expect(of(fst('FST_ERR_SOMETHING', 400)).problem.status).toBe(400);
    // A FST_ code with a 5xx status is a fault like any other.
    expect(of(fst('FST_ERR_SOMETHING', 500)).problem.type).toBe('/problems/internal');
  });

  test("the framework's other refusals: a slug that names the status, never a 5xx", () => {
    const fst = (code: string, statusCode: number) => Object.assign(new Error('x'), { code, statusCode });
    expect(of(fst('FST_ERR_BAD_URL', 400)).problem).toMatchObject({
      type: '/problems/validation-error',
      status: 400,
      errors: [{ path: '', message: 'malformed URL' }],
    });
    expect(of(fst('FST_ERR_MAX_PARAM_LENGTH', 414)).problem).toMatchObject({
      type: '/problems/uri-too-long',
      title: 'URI too long',
      status: 414,
    });
    expect(of(fst('FST_ERR_SOMETHING', 405)).problem.type).toBe('/problems/method-not-allowed');
    expect(of(fst('FST_ERR_SOMETHING', 408)).problem.type).toBe('/problems/request-timeout');
    expect(of(fst('FST_ERR_SOMETHING', 431)).problem.type).toBe('/problems/request-header-fields-too-large');
    expect(of(fst('FST_ERR_SOMETHING', 404)).problem.type).toBe('/problems/not-found');
    // http-errors, as @fastify/static throws them: their 4xx status, the slug naming it.
    const httpError = (status: number) =>
      Object.assign(new Error('x'), { status, statusCode: status, expose: true });
    expect(of(httpError(416)).problem).toMatchObject({
      type: '/problems/range-not-satisfiable',
      status: 416,
    });
    expect(of(httpError(412)).problem).toMatchObject({ type: '/problems/precondition-failed', status: 412 });
    expect(of(httpError(400)).problem.type).toBe('/problems/validation-error');
    // Not exposed, or a 5xx: a fault.
    expect(of(Object.assign(new Error('x'), { status: 500, expose: false })).problem.status).toBe(500);
    // A body the client stopped sending (Node's ECONNRESET, which Fastify gives a 400).
    expect(
      of(Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 })).problem,
    ).toMatchObject({ type: '/problems/validation-error', errors: [{ message: 'incomplete body' }] });
  });

  test('anything else: 500 internal, saying nothing of the error', () => {
    for (const error of [
      new Error('SELECT secret FROM accounts'),
      new NoHandlerError('command', 'x'),
      'a string',
      Object.assign(new Error('x'), { statusCode: 404 }),
    ]) {
      const { problem: p } = of(error);
      expect(p).toMatchObject({ type: '/problems/internal', status: 500 });
      expect(p.detail).toContain('corr-1');
      expect(JSON.stringify(p)).not.toMatch(/SELECT|handler|string/);
    }
  });

  test('ProblemError is taken as it is', () => {
    const error = new ProblemError(401, 'unauthorized', 'no key', {
      headers: { 'www-authenticate': 'Bearer' },
    });
    expect(of(error)).toEqual({
      problem: problem(401, 'unauthorized', 'no key'),
      headers: { 'www-authenticate': 'Bearer' },
    });
  });

  test('titles', () => {
    expect(problemTitle('insufficient-funds')).toBe('Insufficient funds');
    expect(problemTitle('not-found')).toBe('Not found');
    expect(problemTitle('idempotency-key-reused')).toBe('Idempotency key reused');
  });
});
