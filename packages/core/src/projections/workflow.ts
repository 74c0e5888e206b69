import type { RecordedEvent } from '../eventStore.js';
import type { AnyEventDefinition, EventOf, Metadata, Request } from '../message.js';
import type { CommandBus, Sendable } from '../messageBus.js';
import type { DocumentProjection } from './projection.js';

type Handled<H extends readonly AnyEventDefinition[]> = RecordedEvent<EventOf<H[number]>>;

/** A command a workflow wants sent: type and data; the runner gives it a deterministic id. */
export type WorkflowCommand = Omit<Sendable<Request>, 'metadata'>;

export interface WorkflowDefinition<S, H extends readonly AnyEventDefinition[]> {
  readonly name: string;
  readonly version: number;
  readonly handles: H;
  /** The workflow instance an event belongs to (an order id, say); undefined to ignore the event. */
  readonly route: (event: Handled<H>) => string | undefined;
  readonly initialState: () => S;
  /** Pure: the commands to send in reaction to an event, given the instance's state before it. */
  readonly decide: (event: Handled<H>, state: S) => readonly WorkflowCommand[];
  /** Pure: the instance's state after the event. */
  readonly evolve: (state: S, event: Handled<H>) => S;
}

/**
 * A process manager: reacts to events with commands and keeps its own durable state, in the decider shape.
 * Stored as a document projection (one document per instance), so its state and its checkpoint commit
 * together; run by the ProjectionRunner, which sends its commands before committing.
 */
export interface Workflow<S = unknown> extends DocumentProjection<S> {
  readonly workflow: true;
  readonly initialState: () => S;
  readonly decide: (event: RecordedEvent, state: S) => readonly WorkflowCommand[];
}

export function workflow<S, const H extends readonly AnyEventDefinition[]>(
  definition: WorkflowDefinition<S, H>,
): Workflow<S> {
  return {
    kind: 'documents',
    workflow: true,
    name: definition.name,
    version: definition.version,
    lifecycle: 'async',
    handles: definition.handles.map((h) => h.type),
    indexes: [],
    documentId: (event) => definition.route(event as Handled<H>),
    apply: (doc, event) => definition.evolve(doc ?? definition.initialState(), event as Handled<H>),
    initialState: definition.initialState,
    decide: (event, state) => definition.decide(event as Handled<H>, state),
  };
}

export const isWorkflow = (p: object): p is Workflow => (p as { workflow?: unknown }).workflow === true;

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
    const id = flow.documentId(event);
    if (id === undefined) continue;
    const state = states.get(id) ?? (await load(id)) ?? flow.initialState();
    const toSend = flow.decide(event, state);
    for (const [index, command] of toSend.entries()) {
      await commands.send({ ...command, metadata: workflowCommandMetadata(flow.name, event, index) });
    }
    states.set(id, flow.apply(state, event) as S);
  }
}
