import type { Decider } from '../decider.js';
import { fold, isRejection } from '../decider.js';
import type { Event } from '../message.js';
import type { DocumentProjection, Projection } from '../projections/projection.js';
import type { Workflow, WorkflowCommand } from '../projections/workflow.js';
import { assertSame, describeMessages } from './canonical.js';
import { givenProjection, type ProjectionSpec } from './givenProjection.js';
import { givenWorkflow, type WorkflowSpec } from './givenWorkflow.js';
import type { GivenEvent } from './recordEvents.js';

/** A decider's history, ready for a command; see `given(decider, history)`. */
export interface DeciderSpec<S, C, E extends Event> {
  when(command: C): {
    /** The command succeeds with exactly these events. */
    then(expected: readonly E[]): void;
    /** The command is refused with this code (and, if given, records exactly these events). */
    thenFails(code: string, events?: readonly E[]): void;
    /** The state after the command's events, for assertions of your own. */
    state(): S;
  };
}

/**
 * Specifications that read as sentences, for every building block:
 * - a decider: `given(account, [opened()]).when(Deposit({ ... })).then([deposited()])` or `.thenFails('account-closed')`;
 * - a workflow: `given(fulfilment, [placed()]).thenSends([ReserveStock({ ... })])`, `.when(event)`, `.thenState(id, …)`;
 * - a document projection: `given(ordersView, [placed()]).thenDocument('o1', { ... })`, `.thenFinds(field, value, ids)`.
 * Events and commands compare by type and data; metadata is not part of what a model decides.
 */
export function given<S, E extends Event, C extends WorkflowCommand>(
  workflow: Workflow<S, E, C>,
  events?: readonly GivenEvent[],
): WorkflowSpec<S, C>;
export function given<D>(
  projection: DocumentProjection<D>,
  events?: readonly GivenEvent[],
): ProjectionSpec<D>;
export function given<S, C, E extends Event>(
  decider: Decider<S, C, E>,
  history?: readonly E[],
): DeciderSpec<S, C, E>;
export function given(
  model: Workflow | Projection | Decider<unknown, unknown, Event>,
  events: readonly GivenEvent[] = [],
): WorkflowSpec<unknown> | ProjectionSpec<unknown> | DeciderSpec<unknown, unknown, Event> {
  if (!('handles' in model)) return givenDecider(model, events);
  if (model.kind === 'workflow') return givenWorkflow(model, events);
  if (model.kind === 'sql') {
    throw new TypeError(`'${model.name}' is an SQL projection: specify it against a projection store`);
  }
  return givenProjection(model, events);
}

function givenDecider<S, C, E extends Event>(
  decider: Decider<S, C, E>,
  history: readonly E[],
): DeciderSpec<S, C, E> {
  const state = fold(decider, history);
  return {
    when(command) {
      const decision = decider.decide(command, state);
      return {
        then(expected) {
          if (isRejection(decision)) {
            throw new Error(`expected events, but the command was rejected with '${decision.code}'`);
          }
          assertSame('events', describeMessages(decision), describeMessages(expected));
        },
        thenFails(code, events) {
          if (!isRejection(decision)) {
            throw new Error(
              `expected rejection '${code}', but the command succeeded with ${describeMessages(decision)}`,
            );
          }
          if (decision.code !== code) {
            throw new Error(`expected rejection '${code}', got '${decision.code}'`);
          }
          if (events) assertSame('events', describeMessages(decision.events), describeMessages(events));
        },
        state() {
          if (isRejection(decision)) throw new Error(`the command was rejected with '${decision.code}'`);
          return fold(decider, decision, state);
        },
      };
    },
  };
}
