import { ForbiddenError } from './errors.js';
import type { Dispatch, Middleware } from './messageBus.js';

/** Validates the message's data against its definition's schema, and passes the parsed data on. */
export const validation = (): Middleware => async (dispatch, next) =>
  next({ ...dispatch.message, data: await dispatch.definition.validate(dispatch.message.data) });

/** A rule deciding whether the sender of a message may have it handled. */
export type Policy = (dispatch: Dispatch) => boolean | Promise<boolean>;

/** Refuses with ForbiddenError every message the policy does not allow. */
export const authorization =
  (policy: Policy): Middleware =>
  async (dispatch, next) => {
    if (!(await policy(dispatch))) {
      const who = dispatch.message.metadata.principal?.id ?? 'an anonymous caller';
      throw new ForbiddenError(`${who} may not send ${dispatch.kind} '${dispatch.message.type}'`);
    }
    return next();
  };

/** What instrumentation learns of one dispatch once it has ended. */
export interface DispatchRecord {
  readonly kind: 'command' | 'query';
  readonly type: string;
  readonly messageId: string;
  readonly correlationId: string;
  readonly durationMs: number;
  readonly outcome: 'success' | 'error';
  readonly error?: unknown;
}

/**
 * Calls `report` after every dispatch, with its duration and outcome: the hook for logging, tracing and
 * metrics. The error still reaches the caller; instrumentation never swallows it.
 */
export const instrument =
  (report: (record: DispatchRecord) => void): Middleware =>
  async (dispatch, next) => {
    const started = performance.now();
    const record = (outcome: 'success' | 'error', error?: unknown): DispatchRecord => ({
      kind: dispatch.kind,
      type: dispatch.message.type,
      messageId: dispatch.message.metadata.messageId,
      correlationId: dispatch.message.metadata.correlationId,
      durationMs: performance.now() - started,
      outcome,
      ...(outcome === 'error' ? { error } : {}),
    });
    try {
      const result = await next();
      report(record('success'));
      return result;
    } catch (error) {
      report(record('error', error));
      throw error;
    }
  };
