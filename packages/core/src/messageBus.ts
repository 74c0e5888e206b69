import { NoHandlerError } from './errors.js';
import {
  completeMetadata,
  type AnyRequestDefinition,
  type Metadata,
  type MessageOf,
  type Request,
  type ResultOf,
} from './message.js';

/** Per-dispatch options a caller (an HTTP adapter, a workflow) may pass along with a message. */
export interface DispatchOptions {
  readonly signal?: AbortSignal;
  /** Free-form values for middleware, e.g. the position a query must wait for. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** What middleware sees of one dispatch. */
export interface Dispatch {
  readonly kind: 'command' | 'query';
  readonly definition: AnyRequestDefinition;
  readonly message: Request;
  readonly options: DispatchOptions;
}

/** Runs around a handler. Call `next` (optionally with a changed message) to go on, or throw to refuse. */
export type Middleware = (
  dispatch: Dispatch,
  next: (message?: Request) => Promise<unknown>,
) => Promise<unknown>;

export type Handler<M, R> = (message: M, options: DispatchOptions) => R | Promise<R>;

/** A message as callers may send it: metadata is completed by the bus when left out. */
export type Sendable<M extends Request> = Omit<M, 'metadata'> & { readonly metadata?: Partial<Metadata> };

interface Registration {
  readonly definition: AnyRequestDefinition;
  readonly handler: Handler<Request, unknown>;
}

/**
 * One handler per message type, and a middleware pipeline around every dispatch. The command bus and the
 * query bus are two instances, each with its own middleware stack, so authorization can differ.
 */
export class MessageBus<K extends 'command' | 'query'> {
  readonly #registrations = new Map<string, Registration>();
  readonly #middleware: Middleware[] = [];

  constructor(readonly kind: K) {}

  /** Registers the one handler of a message type; a second registration for the same type throws. */
  register<D extends AnyRequestDefinition & { kind: K }>(
    definition: D,
    handler: Handler<MessageOf<D>, ResultOf<MessageOf<D>>>,
  ): this {
    if (definition.kind !== this.kind) {
      throw new TypeError(`'${definition.type}' is a ${definition.kind}, not a ${this.kind}`);
    }
    if (this.#registrations.has(definition.type)) {
      throw new Error(`a ${this.kind} handler for '${definition.type}' is already registered`);
    }
    this.#registrations.set(definition.type, { definition, handler: handler as Handler<Request, unknown> });
    return this;
  }

  /** Adds middleware; the first added runs outermost. */
  use(...middleware: Middleware[]): this {
    this.#middleware.push(...middleware);
    return this;
  }

  /** The definitions of every registered type (for routing, documentation, OpenAPI). */
  definitions(): AnyRequestDefinition[] {
    return [...this.#registrations.values()].map((r) => r.definition);
  }

  has(type: string): boolean {
    return this.#registrations.has(type);
  }

  /** Dispatches a message through the middleware to its handler and returns what the handler answers. */
  dispatch(message: Sendable<Request>, options: DispatchOptions = {}): Promise<unknown> {
    // Not an async function: without middleware, the handler's own promise is the answer, with no extra
    // promise and turn around it. Whatever throws still becomes a rejection, as from an async function.
    try {
      const registration = this.#registrations.get(message.type);
      if (!registration) throw new NoHandlerError(this.kind, message.type);
      const complete: Request = {
        type: message.type,
        data: message.data,
        metadata: completeMetadata(message.metadata),
      };
      if (this.#middleware.length === 0) return Promise.resolve(registration.handler(complete, options));
      return this.#run(0, registration, complete, options);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what was thrown, unchanged
      return Promise.reject(error);
    }
  }

  #run(
    index: number,
    registration: Registration,
    message: Request,
    options: DispatchOptions,
  ): Promise<unknown> {
    const middleware = this.#middleware[index];
    if (!middleware) return Promise.resolve(registration.handler(message, options));
    const dispatch: Dispatch = { kind: this.kind, definition: registration.definition, message, options };
    return middleware(dispatch, (next = message) => this.#run(index + 1, registration, next, options));
  }
}

export class CommandBus extends MessageBus<'command'> {
  constructor() {
    super('command');
  }
  /** Sends a command to its handler; a message from a definition's factory gets a typed result. */
  send<M extends Request>(command: M, options?: DispatchOptions): Promise<ResultOf<M>>;
  send(command: Sendable<Request>, options?: DispatchOptions): Promise<unknown>;
  send(command: Sendable<Request>, options?: DispatchOptions): Promise<unknown> {
    return this.dispatch(command, options);
  }
}

export class QueryBus extends MessageBus<'query'> {
  constructor() {
    super('query');
  }
  /** Asks a query of its handler; a message from a definition's factory gets a typed result. */
  ask<M extends Request>(query: M, options?: DispatchOptions): Promise<ResultOf<M>>;
  ask(query: Sendable<Request>, options?: DispatchOptions): Promise<unknown>;
  ask(query: Sendable<Request>, options?: DispatchOptions): Promise<unknown> {
    return this.dispatch(query, options);
  }
}
