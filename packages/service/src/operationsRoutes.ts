import { DEFAULT_OPERATIONS_CACHE_MS, ProblemError, sharedCheck } from '@janus/http';
import type { FastifyInstance } from 'fastify';

export interface OperationsRoutesOptions {
  /** Whether the service can serve: stores reachable, projections running. Default: always. */
  readonly ready?: () => Promise<boolean>;
  /**
   * How long /ready's outcome is reused, in ms (it is never rate-limited and asks the database); concurrent
   * requests share one check. Default DEFAULT_OPERATIONS_CACHE_MS; 0: only concurrent requests share one.
   */
  readonly cacheMs?: number;
}

/**
 * Adds /health (200 while the process answers) and /ready (200 when `ready` says so, else a 503
 * `unavailable` problem with Retry-After: 1) to an app made by createHttpApp, which documents them in
 * its OpenAPI document and never rate-limits them.
 */
export function operationsRoutes(app: FastifyInstance, options: OperationsRoutesOptions = {}): void {
  app.get('/health', () => ({ status: 'ok' }));
  // A check still running when the app starts closing must not answer ready.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const check = sharedCheck(options.ready ?? (() => Promise.resolve(true)), {
    maxAgeMs: options.cacheMs ?? DEFAULT_OPERATIONS_CACHE_MS,
  });
  app.get('/ready', async (request, reply) => {
    const ready =
      !closing &&
      (await check().catch((error: unknown) => {
        request.log.warn({ err: error }, 'the readiness check failed');
        return false;
      }));
    if (!ready)
      throw new ProblemError(503, 'unavailable', 'Not ready to serve.', {
        headers: { 'retry-after': '1' },
      });
    return reply.send({ status: 'ready' });
  });
}
