import { DomainError } from './errors.js';
import type { Event } from './message.js';

/**
 * A business rule's refusal, returned (not thrown) by `decide`. It may still carry events to record,
 * such as an alert about the refused attempt; the command then fails with a DomainError of this code.
 */
export interface Rejection<E extends Event = Event> {
  readonly rejected: true;
  readonly code: string;
  readonly message: string;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly events: readonly E[];
}

export interface RejectionOptions<E extends Event> {
  readonly message?: string;
  /** Extra members a client may rely on, e.g. `{ rule: 'velocity' }`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Events recorded although the command is refused. */
  readonly events?: readonly E[];
}

/** Refuses a command with a stable code: `return fail('insufficient-funds')`. */
export function fail<E extends Event = never>(code: string, options: RejectionOptions<E> = {}): Rejection<E> {
  return {
    rejected: true,
    code,
    message: options.message ?? code,
    extensions: options.extensions ?? {},
    events: options.events ?? [],
  };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && (value as { rejected?: unknown }).rejected === true;
}

export function rejectionError(rejection: Rejection): DomainError {
  return new DomainError(rejection.code, rejection.message, rejection.extensions);
}

/** Three pure functions: the whole write-side model of one stream. */
export interface Decider<S, C, E extends Event> {
  initialState(): S;
  decide(command: C, state: S): readonly E[] | Rejection<E>;
  evolve(state: S, event: E): S;
}

/** Declares a decider; the identity function, here for type inference and for reading well. */
export function decider<S, C, E extends Event>(definition: Decider<S, C, E>): Decider<S, C, E> {
  return definition;
}

/** Folds events into state, from the initial state or from a given one. */
export function fold<S, E extends Event>(
  d: Pick<Decider<S, never, E>, 'initialState' | 'evolve'>,
  events: Iterable<E>,
  from?: S,
): S {
  let state = from ?? d.initialState();
  for (const event of events) state = d.evolve(state, event);
  return state;
}

/** Ends a `switch` that must cover every case: a compile error when a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
