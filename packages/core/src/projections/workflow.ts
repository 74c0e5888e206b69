import type { RecordedEvent } from '../eventStore.js';
import type { AnyEventDefinition, CommandDefinition, Event, EventOf, Metadata } from '../message.js';
import type { CommandBus } from '../messageBus.js';
import type { InferOutput } from '../standardSchema.js';
import type { DocumentProjection } from './projection.js';

type Handled<H extends readonly AnyEventDefinition[]> = RecordedEvent<EventOf<H[number]>>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a command of any schema and any answer
export type AnyCommandDefinition = CommandDefinition<string, any, any>;

/**
 * A command as a workflow decides it: one of its definitions' types with that definition's data. The
 * runner adds the metadata, with a deterministic id.
 */
export type WorkflowCommand<D extends AnyCommandDefinition = AnyCommandDefinition> = D extends unknown
  ? { readonly type: D['type']; readonly data: InferOutput<D['schema']> }
  : never;

/**
 * The command `definition` with `data`, for a workflow's `decide` to return: pure (no id, no clock, unlike
 * calling the definition), and its data checked against the definition's schema type.
 */
export const toSend = <D extends AnyCommandDefinition>(
  definition: D,
  data: InferOutput<D['schema']>,
): WorkflowCommand<D> => ({ type: definition.type, data }) as WorkflowCommand<D>;

export interface WorkflowDefinition<
  S,
  H extends readonly AnyEventDefinition[],
  C extends readonly AnyCommandDefinition[],
> {
  readonly name: string;
  readonly version: number;
  /** The events it reacts to. */
  readonly handles: H;
  /** The commands it may send: `decide` returns only these, each with its own definition's data. */
  readonly sends: C;
  /** The workflow instance an event belongs to (an order id, say); undefined to ignore the event. */
  readonly route: (event: Handled<H>) => string | undefined;
  readonly initialState: () => S;
  /** Pure: the commands to send in reaction to an event, given the instance's state before it. */
  readonly decide: (event: Handled<H>, state: S) => readonly WorkflowCommand<C[number]>[];
  /** Pure: the instance's state after the event. */
  readonly evolve: (state: S, event: Handled<H>) => S;
}

/**
 * A process manager: reacts to events with commands and keeps its own durable state, in the decider shape.
 * Run by the ProjectionRunner, which sends an event's commands before it commits the instance's state and
 * the checkpoint; never rebuilt, since replaying it would send its commands again.
 */
export interface Workflow<S = unknown, E extends Event = Event, C extends WorkflowCommand = WorkflowCommand> {
  readonly kind: 'workflow';
  readonly name: string;
  readonly version: number;
  readonly handles: readonly AnyEventDefinition[];
  readonly sends: readonly AnyCommandDefinition[];
  route(event: RecordedEvent<E>): string | undefined;
  initialState(): S;
  decide(event: RecordedEvent<E>, state: S): readonly C[];
  evolve(state: S, event: RecordedEvent<E>): S;
  /** Its state as the projection store keeps it, with its checkpoint: one document per instance. */
  readonly state: DocumentProjection<S>;
}

/** Declares a workflow; its events are typed from `handles`, its commands from `sends`. */
export function workflow<
  S,
  const H extends readonly AnyEventDefinition[],
  const C extends readonly AnyCommandDefinition[],
>(definition: WorkflowDefinition<S, H, C>): Workflow<S, EventOf<H[number]>, WorkflowCommand<C[number]>> {
  const { name, version, handles, sends, route, initialState, decide, evolve } = definition;
  return {
    kind: 'workflow',
    name,
    version,
    handles,
    sends,
    route,
    initialState,
    decide,
    evolve,
    state: {
      kind: 'documents',
      name,
      version,
      lifecycle: 'async',
      handles: handles.map((h) => h.type),
      indexes: [],
      documentId: (event) => route(event as Handled<H>),
      apply: (doc, event) => evolve(doc ?? initialState(), event as Handled<H>),
    },
  };
}

/**
 * The metadata of the i-th command a workflow sends for an event. The id is deterministic, so a replay
 * after a crash sends the very same command, and a decider-based handler appends its events only once.
 */
export function workflowCommandMetadata(name: string, event: RecordedEvent, index: number): Metadata {
  const correlationId = event.metadata.correlationId;
  return {
    messageId: `${name}:${event.id}:${index}`,
    correlationId: typeof correlationId === 'string' ? correlationId : event.id,
    causationId: event.id,
    principal: { id: `workflow:${name}`, roles: ['workflow'] },
    timestamp: event.recordedAt,
  };
}

/** Sends, in order, the commands a workflow decides for a batch of events; the state is read through `load`. */
export async function sendWorkflowCommands<S>(
  flow: Workflow<S>,
  events: readonly RecordedEvent[],
  load: (id: string) => Promise<S | undefined>,
  commands: CommandBus,
): Promise<void> {
  const states = new Map<string, S>();
  for (const event of events) {
    const id = flow.route(event);
    if (id === undefined) continue;
    const state = states.get(id) ?? (await load(id)) ?? flow.initialState();
    const toSend = flow.decide(event, state);
    for (const [index, command] of toSend.entries()) {
      await commands.send({ ...command, metadata: workflowCommandMetadata(flow.name, event, index) });
    }
    states.set(id, flow.evolve(state, event));
  }
}
