import type { RecordedEvent } from '../eventStore.js';
import { fromJson, toJson } from '../json.js';
import type { Event, Request } from '../message.js';
import type { Sendable } from '../messageBus.js';
import type { StandardIssue, StandardSchemaV1 } from '../standardSchema.js';
import { applyToDocuments } from '../projections/documents.js';
import { handlesEvent } from '../projections/projection.js';
import { workflowCommandMetadata, type Workflow, type WorkflowCommand } from '../projections/workflow.js';
import { assertSame, canonical, describeMessages } from './canonical.js';
import { recordEvents, type GivenEvent } from './recordEvents.js';

/** What a workflow sends and keeps after the given events; see `given(workflow, events)`. */
export interface WorkflowSpec<S, C extends WorkflowCommand = WorkflowCommand> {
  /** It sends exactly these commands (type and data), in this order. */
  thenSends(expected: readonly C[]): void;
  /** The instance `id` holds this state; `undefined`: there is no such instance. */
  thenState(id: string, expected: S | undefined): void;
  /** The commands it sends, with the metadata the runner gives them (deterministic ids). */
  commands(): Sendable<Request>[];
  /** The state of instance `id`, for assertions of your own. */
  state(id: string): S | undefined;
  /** The same workflow after more events: then* and commands() are about these events' commands only. */
  when(...events: readonly GivenEvent[]): WorkflowSpec<S, C>;
}

/**
 * Runs the events as the runner does, one at a time: only the events it handles, routed to an instance,
 * decided on the instance's stored state (or its initial state), the commands given the runner's
 * metadata, then the state moved on as a store applies it and kept as the stores' JSON. A command it does
 * not declare in `sends`, or whose data its definition's schema refuses (as the bus's `validation()`
 * would), fails the specification.
 */
export function givenWorkflow<S, E extends Event, C extends WorkflowCommand>(
  flow: Workflow<S, E, C>,
  events: readonly GivenEvent[],
): WorkflowSpec<S, C> {
  return run(flow, new Map(), [], events);
}

function run<S, E extends Event, C extends WorkflowCommand>(
  flow: Workflow<S, E, C>,
  before: ReadonlyMap<string, string>,
  log: readonly RecordedEvent[],
  events: readonly GivenEvent[],
): WorkflowSpec<S, C> {
  const stored = new Map(before);
  const recorded = recordEvents(events, log);
  const sent: Sendable<Request>[] = [];
  for (const event of recorded) {
    if (!handlesEvent(flow.state, event)) continue;
    const handled = event as RecordedEvent<E>;
    const id = flow.route(handled);
    if (id === undefined) continue;
    const json = stored.get(id);
    const doc = json === undefined ? undefined : (fromJson(json) as S);
    for (const [index, command] of flow.decide(handled, doc ?? flow.initialState()).entries()) {
      checkSendable(flow, command);
      sent.push({
        type: command.type,
        data: command.data,
        metadata: workflowCommandMetadata(flow.name, event, index),
      });
    }
    const next = applyToDocuments(flow.state, [event], new Map([[id, doc]])).get(id);
    if (next === null || next === undefined) stored.delete(id);
    else stored.set(id, toJson(next));
  }
  const state = (id: string) => {
    const json = stored.get(id);
    return json === undefined ? undefined : (fromJson(json) as S);
  };
  return {
    thenSends(expected) {
      assertSame('commands', describeMessages(sent), describeMessages(expected));
    },
    thenState(id, expected) {
      assertSame(`state of '${id}'`, canonical(state(id)), canonical(expected));
    },
    commands: () => sent.map((command) => ({ ...command })),
    state,
    when: (...more) => run(flow, stored, [...log, ...recorded], more),
  };
}

/** Throws unless the workflow declares the command and its definition's schema accepts the data. */
function checkSendable(flow: Pick<Workflow, 'name' | 'sends'>, command: WorkflowCommand): void {
  const definition = flow.sends.find((d) => d.type === command.type);
  if (!definition) {
    throw new Error(`workflow '${flow.name}' sent '${command.type}', which is not in its sends`);
  }
  const schema = definition.schema as StandardSchemaV1;
  const result = schema['~standard'].validate(command.data);
  // An asynchronous schema cannot be checked here; the bus's validation() still checks it when sent.
  if (result instanceof Promise || !result.issues) return;
  const issues = result.issues.map((issue: StandardIssue) => issue.message).join('; ');
  throw new Error(`workflow '${flow.name}' sent '${command.type}' with data its schema refuses: ${issues}`);
}
