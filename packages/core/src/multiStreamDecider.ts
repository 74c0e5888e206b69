import type { Decider, Rejection } from './decider.js';
import type { Event } from './message.js';

/** One stream a command reads and may append to: its id, and how its events fold into its state. */
export interface StreamRef<S, E extends Event> {
  readonly streamId: string;
  readonly decider: Pick<Decider<S, never, E>, 'initialState' | 'evolve'>;
}

/** The streams of one command, by the names its decision uses for them (`from`, `to`, …). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each stream has a state and events of its own
export type StreamRefs = Readonly<Record<string, StreamRef<any, any>>>;

export type StreamStateOf<R> = R extends StreamRef<infer S, Event> ? S : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- only the event type is inferred here
export type StreamEventOf<R> = R extends StreamRef<any, infer E> ? E : never;

/** The state of every named stream, as the decision sees it. */
export type StatesOf<R extends StreamRefs> = { readonly [K in keyof R]: StreamStateOf<R[K]> };

/** What an accepted command appends, per named stream (a stream left out, or empty, gets nothing). */
export type EventsByStream<R extends StreamRefs> = {
  readonly [K in keyof R]?: readonly StreamEventOf<R[K]>[];
};

/** A refusal whose events (an alert about the refused attempt) are recorded in the named stream. */
export type MultiStreamRejection<R extends StreamRefs> = Rejection<StreamEventOf<R[keyof R]>> & {
  readonly stream?: keyof R & string;
};

/**
 * A command's decision over several streams: which streams it reads (named, from the command), and a
 * pure `decide` from their states to the events each one gets, or a refusal.
 */
export interface MultiStreamDecider<C, R extends StreamRefs> {
  streams(command: C): R;
  decide(command: C, states: StatesOf<R>): EventsByStream<R> | MultiStreamRejection<R>;
}

/** Declares a decision over several streams; the identity function, here for type inference. */
export function multiStreamDecider<C, R extends StreamRefs>(
  definition: MultiStreamDecider<C, R>,
): MultiStreamDecider<C, R> {
  return definition;
}

/** A refusal from `decide` whose events go to `stream`: `return rejectionIn('from', sent)`. */
export function rejectionIn<K extends string, E extends Event>(
  stream: K,
  rejection: Rejection<E>,
): Rejection<E> & { readonly stream: K } {
  return { ...rejection, stream };
}
