import type { AnyRequestDefinition } from '@janus/core';
import { z } from 'zod';
import { jsonPosition } from './jsonPosition.js';
import { strictTopLevel } from './parseInput.js';
import {
  routeDocs,
  type DataOf,
  type HttpAnswer,
  type Parsed,
  type RequestContext,
  type ResultOfDefinition,
  type RouteDocs,
} from './route.js';

export type CommandMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type AnyCommandDefinition = AnyRequestDefinition & { readonly kind: 'command' };

/** The parsed input of a command route. Without a params schema, path parameters are the raw strings. */
export interface CommandInput<P, B> extends RequestContext {
  readonly params: P;
  readonly body: B;
  /**
   * The id the command is sent with. With an Idempotency-Key it is the same on every retry: derive the
   * ids the server makes (an account id, a transaction id) from it, so a retry names the same things.
   */
  readonly messageId: string;
}

export interface CommandRouteDeclaration<
  D extends AnyCommandDefinition,
  P extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> extends RouteDocs {
  /** Default POST. */
  readonly method?: CommandMethod;
  /** Fastify syntax: '/accounts/:accountId/deposits'. */
  readonly url: string;
  readonly command: D;
  readonly params?: P;
  /**
   * The JSON body (a top-level object is made strict). With a body schema the request must be
   * `Content-Type: application/json` (else 415); without one it may only be empty or `{}`.
   */
  readonly body?: B;
  /** The success status (default 200); `toResponse` may choose another. */
  readonly status?: number;
  /** The command's data, from the parsed request. Throw a core error to refuse (ValidationError: 400). */
  readonly toData: (
    input: CommandInput<
      Parsed<P, Readonly<Record<string, string>>>,
      Parsed<B, Readonly<Record<string, never>>>
    >,
  ) => DataOf<D> | Promise<DataOf<D>>;
  /**
   * The answer, from the handler's result. Default: the result as JSON, its bigint `position` as a number
   * (see jsonPosition) and any other bigint as a string.
   */
  readonly toResponse?: (
    result: ResultOfDefinition<D>,
    input: CommandInput<
      Parsed<P, Readonly<Record<string, string>>>,
      Parsed<B, Readonly<Record<string, never>>>
    >,
  ) => HttpAnswer;
}

/** A command route as the app keeps it, its types erased. */
export interface CommandRoute {
  readonly kind: 'command';
  readonly method: CommandMethod;
  readonly url: string;
  readonly definition: AnyRequestDefinition;
  readonly params: z.ZodType | undefined;
  readonly body: z.ZodType | undefined;
  readonly status: number;
  readonly docs: RouteDocs;
  readonly toData: (input: CommandInput<unknown, unknown>) => unknown;
  readonly toResponse: (result: unknown, input: CommandInput<unknown, unknown>) => HttpAnswer;
}

/**
 * Declares an HTTP route that sends one command: parse params and body with zod, map them to the
 * command's data, send it on the command bus (whose middleware authorizes it), answer its result.
 */
export function commandRoute<
  D extends AnyCommandDefinition,
  P extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(declaration: CommandRouteDeclaration<D, P, B>): CommandRoute {
  const toResponse = declaration.toResponse as CommandRoute['toResponse'] | undefined;
  return {
    kind: 'command',
    method: declaration.method ?? 'POST',
    url: declaration.url,
    definition: declaration.command,
    params: declaration.params,
    body: declaration.body === undefined ? undefined : strictTopLevel(declaration.body),
    status: declaration.status ?? 200,
    docs: routeDocs(declaration),
    toData: declaration.toData as CommandRoute['toData'],
    toResponse: toResponse ?? ((result) => ({ body: commandResultBody(result) })),
  };
}

/** The default body of a command answer: the result, with a bigint `position` as a JSON number. */
export function commandResultBody(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const { position } = result as { position?: unknown };
  return typeof position === 'bigint' ? { ...result, position: jsonPosition(position) } : result;
}

/** The body of a command route without a body schema: nothing, or an empty object. */
export const NO_BODY = z.strictObject({});
