import type { AnyRequestDefinition, Principal, ResultOf } from '@janus/core';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { CommandRoute } from './commandRoute.js';
import type { QueryRoute } from './queryRoute.js';

/** A declared route, of either kind: what `createHttpApp` takes a list of. */
export type Route = CommandRoute | QueryRoute;

/** What a schema parses to, or `Fallback` when the route declares none. */
export type Parsed<S extends z.ZodType | undefined, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;

/** The data a message definition's factory takes. */
export type DataOf<D extends AnyRequestDefinition> = Parameters<D>[0];

/** What the handler of a definition's messages answers. */
export type ResultOfDefinition<D extends AnyRequestDefinition> = ResultOf<ReturnType<D>>;

/** What every route function sees besides its parsed input. */
export interface RequestContext {
  /** The authenticated sender; it becomes the message's `metadata.principal`. */
  readonly principal: Principal;
  /** The request's correlation id; it becomes the message's `metadata.correlationId`. */
  readonly correlationId: string;
  /** The raw request, for what the declaration does not cover (a header, say). */
  readonly request: FastifyRequest;
}

/** An answer with a JSON body: status (default: the route's), body (none: no content) and headers. */
export interface HttpAnswer {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the OpenAPI document says of a route; none of it changes how the route behaves. */
export interface RouteDocs {
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** The JSON success body (documentation only: answers are not validated against it). */
  readonly response?: z.ZodType;
  /** The DomainError codes the route may answer with, documented with their status. */
  readonly errors?: readonly string[];
}

export const routeDocs = (declaration: RouteDocs): RouteDocs => ({
  ...(declaration.summary === undefined ? {} : { summary: declaration.summary }),
  ...(declaration.description === undefined ? {} : { description: declaration.description }),
  ...(declaration.tags === undefined ? {} : { tags: declaration.tags }),
  ...(declaration.response === undefined ? {} : { response: declaration.response }),
  ...(declaration.errors === undefined ? {} : { errors: declaration.errors }),
});
