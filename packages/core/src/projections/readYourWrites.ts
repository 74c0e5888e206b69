import type { Middleware } from '../messageBus.js';
import type { WaitOptions } from './projectionRunner.js';

/** The context keys a query dispatch may carry to read its own writes. */
export interface ConsistencyContext {
  /** Answer only once the read models processed the log up to here (a command result's `position`). */
  readonly minPosition?: bigint;
  /** How long to wait for that, at most (ms). */
  readonly maxWaitMs?: number;
}

export interface PositionWaiter {
  waitFor(position: bigint, options?: WaitOptions): Promise<void>;
}

/**
 * Query-bus middleware for read-your-writes: when the dispatch context has `minPosition`, the query
 * waits (bounded) until the projections reached it, or fails with TimeoutError.
 */
export const readYourWrites =
  (
    waiter: PositionWaiter,
    defaults: { readonly maxWaitMs?: number; readonly projections?: readonly string[] } = {},
  ): Middleware =>
  async (dispatch, next) => {
    const context = (dispatch.options.context ?? {}) as ConsistencyContext;
    if (context.minPosition !== undefined) {
      await waiter.waitFor(context.minPosition, {
        timeoutMs: context.maxWaitMs ?? defaults.maxWaitMs ?? 5000,
        ...(defaults.projections ? { projections: defaults.projections } : {}),
        ...(dispatch.options.signal ? { signal: dispatch.options.signal } : {}),
      });
    }
    return next();
  };
