import type { AnyRequestDefinition } from '@janus/core';
import type { z } from 'zod';
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

type AnyQueryDefinition = AnyRequestDefinition & { readonly kind: 'query' };

/** The parsed input of a query route. Without a params schema, path parameters are the raw strings. */
export interface QueryInput<P, Q> extends RequestContext {
  readonly params: P;
  readonly query: Q;
}

/** A non-JSON answer: text (sent as UTF-8) or bytes, with optional headers (Content-Disposition, say). */
export interface Representation {
  readonly body: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Producer<R, I> = (result: R, input: I) => Representation | string | Uint8Array;

export interface QueryRouteDeclaration<
  D extends AnyQueryDefinition,
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
> extends RouteDocs {
  /** Fastify syntax: '/accounts/:accountId'. Queries are GET (and HEAD). */
  readonly url: string;
  readonly query: D;
  readonly params?: P;
  /**
   * The query string (a top-level object is made strict: an unknown parameter is a 400). Values arrive
   * as strings: use `z.coerce` for numbers. Without a schema, the route takes no query parameters.
   */
  readonly querystring?: Q;
  /** The projections the query reads: X-Position and X-Min-Position concern these (default: all). */
  readonly projections?: readonly string[];
  readonly toData: (
    input: QueryInput<
      Parsed<P, Readonly<Record<string, string>>>,
      Parsed<Q, Readonly<Record<string, never>>>
    >,
  ) => DataOf<D> | Promise<DataOf<D>>;
  /** The JSON answer, from the handler's result (default: the result, bigints as strings). */
  readonly toResponse?: (
    result: ResultOfDefinition<D>,
    input: QueryInput<
      Parsed<P, Readonly<Record<string, string>>>,
      Parsed<Q, Readonly<Record<string, never>>>
    >,
  ) => HttpAnswer;
  /**
   * Other representations by media type, chosen by the Accept header: `{ 'text/csv': toCsv }`. JSON
   * stays the default; an Accept that allows none of them is a 406.
   */
  readonly produces?: Readonly<
    Record<
      string,
      Producer<
        ResultOfDefinition<D>,
        QueryInput<Parsed<P, Readonly<Record<string, string>>>, Parsed<Q, Readonly<Record<string, never>>>>
      >
    >
  >;
}

/** A query route as the app keeps it, its types erased. */
export interface QueryRoute {
  readonly kind: 'query';
  readonly method: 'GET';
  readonly url: string;
  readonly definition: AnyRequestDefinition;
  readonly params: z.ZodType | undefined;
  readonly querystring: z.ZodType | undefined;
  readonly projections: readonly string[] | undefined;
  readonly docs: RouteDocs;
  readonly toData: (input: QueryInput<unknown, unknown>) => unknown;
  readonly toResponse: (result: unknown, input: QueryInput<unknown, unknown>) => HttpAnswer;
  /** Media types in order of preference, application/json first. */
  readonly mediaTypes: readonly string[];
  readonly produces: Readonly<Record<string, Producer<unknown, QueryInput<unknown, unknown>>>>;
}

/**
 * Declares an HTTP route that asks one query: parse params and query string with zod, map them to the
 * query's data, ask it on the query bus (after waiting for X-Min-Position), answer its result.
 */
export function queryRoute<
  D extends AnyQueryDefinition,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(declaration: QueryRouteDeclaration<D, P, Q>): QueryRoute {
  const toResponse = declaration.toResponse as QueryRoute['toResponse'] | undefined;
  const produces = (declaration.produces ?? {}) as QueryRoute['produces'];
  const others = Object.keys(produces).map((type) => type.toLowerCase());
  if (others.includes('application/json')) {
    throw new TypeError(`${declaration.url}: JSON is produced by toResponse, not by 'produces'`);
  }
  return {
    kind: 'query',
    method: 'GET',
    url: declaration.url,
    definition: declaration.query,
    params: declaration.params,
    querystring: declaration.querystring === undefined ? undefined : strictTopLevel(declaration.querystring),
    projections: declaration.projections,
    docs: routeDocs(declaration),
    toData: declaration.toData as QueryRoute['toData'],
    toResponse: toResponse ?? ((result) => ({ body: result })),
    mediaTypes: ['application/json', ...Object.keys(produces)],
    produces,
  };
}
