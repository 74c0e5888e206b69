import type { InferOutput, StandardSchemaV1 } from './standardSchema.js';
import { uuidv7 } from './uuidv7.js';
import { validate } from './validate.js';

/** Who sent a message: an id and the roles it holds. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly string[];
}

/** Carried by every command and query. Events carry the same fields, filled in when they are appended. */
export interface Metadata {
  readonly messageId: string;
  /** Shared by every message caused, directly or not, by one original request. */
  readonly correlationId: string;
  /** The id of the message that caused this one; null for a message that starts a conversation. */
  readonly causationId: string | null;
  readonly principal: Principal | null;
  /** ISO 8601 UTC. The time a decider sees: deciders never read the clock themselves. */
  readonly timestamp: string;
}

export type MessageKind = 'command' | 'query' | 'event';

declare const resultType: unique symbol;

/** Plain data: what travels on a bus, over HTTP or into the store. */
export interface Message<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
  readonly metadata: Metadata;
}

/** A command or query message; `R` is the type its handler answers with (type-level only). */
export interface Request<T extends string = string, D = unknown, R = unknown> extends Message<T, D> {
  readonly [resultType]?: R;
}

/** An event as a decider produces it: type and data, with optional metadata the handler completes. */
export interface Event<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export type ResultOf<M> = M extends Request<string, unknown, infer R> ? R : never;

/** A type-level marker for what a command or query handler answers: `query('x', schema, returns<Cart>())`. */
export interface Returns<R> {
  readonly [resultType]?: R;
}
export const returns = <R>(): Returns<R> => ({});

/** What a decider-based command handler answers by default: the stream's new version and log position. */
export interface CommandHandled {
  readonly version: number;
  readonly position: bigint;
}

interface DefinitionBase<K extends MessageKind, T extends string, S extends StandardSchemaV1> {
  readonly kind: K;
  readonly type: T;
  readonly schema: S;
  /** Validates unknown input against the schema; throws ValidationError. */
  validate(data: unknown): Promise<InferOutput<S>>;
  /** True when `message` has this definition's type (it does not validate the data). */
  is(message: { readonly type: string }): boolean;
}

export interface RequestDefinition<
  K extends 'command' | 'query',
  T extends string,
  S extends StandardSchemaV1,
  R,
> extends DefinitionBase<K, T, S> {
  (data: InferOutput<S>, metadata?: Partial<Metadata>): Request<T, InferOutput<S>, R>;
}

export interface EventDefinition<T extends string, S extends StandardSchemaV1> extends DefinitionBase<
  'event',
  T,
  S
> {
  (data: InferOutput<S>, metadata?: Readonly<Record<string, unknown>>): Event<T, InferOutput<S>>;
}

export type CommandDefinition<
  T extends string = string,
  S extends StandardSchemaV1 = StandardSchemaV1,
  R = unknown,
> = RequestDefinition<'command', T, S, R>;
export type QueryDefinition<
  T extends string = string,
  S extends StandardSchemaV1 = StandardSchemaV1,
  R = unknown,
> = RequestDefinition<'query', T, S, R>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a definition of any schema
export type AnyRequestDefinition = RequestDefinition<'command' | 'query', string, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a definition of any schema
export type AnyEventDefinition = EventDefinition<string, any>;

/** The message type a definition creates: `MessageOf<typeof Deposit>`. */
export type MessageOf<D> =
  D extends RequestDefinition<'command' | 'query', infer T, infer S, infer R>
    ? Request<T, InferOutput<S>, R>
    : D extends EventDefinition<infer T, infer S>
      ? Event<T, InferOutput<S>>
      : never;

/** The union of event types a set of definitions creates: `EventOf<typeof Opened | typeof Deposited>`. */
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? Event<T, InferOutput<S>> : never;

/** Fills in what a message's sender left out: a fresh id, the time, a correlation to itself. */
export function completeMetadata(metadata: Partial<Metadata> = {}): Metadata {
  // Time-ordered: a command's event ids derive from its message id, and ids that grow with time land next
  // to each other in a store's event-id index (random ones touch, and write, a different page each).
  // One clock read for both: reading the clock costs several hundred nanoseconds on some virtual machines.
  const now = metadata.messageId === undefined || metadata.timestamp === undefined ? Date.now() : 0;
  const messageId = metadata.messageId ?? uuidv7(now);
  return {
    messageId,
    correlationId: metadata.correlationId ?? messageId,
    causationId: metadata.causationId ?? null,
    principal: metadata.principal ?? null,
    timestamp: metadata.timestamp ?? isoTime(now),
  };
}

let isoMs = Number.NaN;
let isoText = '';

/** `new Date(ms).toISOString()`, formatted once per millisecond: messages come many to a millisecond. */
function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoText = new Date(ms).toISOString();
    isoMs = ms;
  }
  return isoText;
}

function base<K extends MessageKind, T extends string, S extends StandardSchemaV1>(
  kind: K,
  type: T,
  schema: S,
): DefinitionBase<K, T, S> {
  if (!/^[A-Za-z0-9_.:-]+$/.test(type)) throw new TypeError(`invalid message type name '${type}'`);
  return {
    kind,
    type,
    schema,
    validate: (data) => validate(schema, data, `${kind} ${type}`),
    is: (message) => message.type === type,
  };
}

function request<K extends 'command' | 'query', T extends string, S extends StandardSchemaV1, R>(
  kind: K,
  type: T,
  schema: S,
): RequestDefinition<K, T, S, R> {
  const create = (data: InferOutput<S>, metadata?: Partial<Metadata>): Request<T, InferOutput<S>, R> => ({
    type,
    data,
    metadata: completeMetadata(metadata),
  });
  return Object.assign(create, base(kind, type, schema));
}

/** Declares a command: its stored name, its schema, and (optionally) what its handler answers. */
export function command<T extends string, S extends StandardSchemaV1, R = CommandHandled>(
  type: T,
  schema: S,
  _result?: Returns<R>,
): CommandDefinition<T, S, R> {
  return request('command', type, schema);
}

/** Declares a query: its name, the schema of its parameters and what it answers. */
export function query<T extends string, S extends StandardSchemaV1, R = unknown>(
  type: T,
  schema: S,
  _result?: Returns<R>,
): QueryDefinition<T, S, R> {
  return request('query', type, schema);
}

/** Declares an event. The type is what gets stored, so give it a version: 'shop.ItemAdded.v1'. */
export function event<T extends string, S extends StandardSchemaV1>(
  type: T,
  schema: S,
): EventDefinition<T, S> {
  const create = (
    data: InferOutput<S>,
    metadata?: Readonly<Record<string, unknown>>,
  ): Event<T, InferOutput<S>> => (metadata ? { type, data, metadata } : { type, data });
  return Object.assign(create, base('event', type, schema));
}
