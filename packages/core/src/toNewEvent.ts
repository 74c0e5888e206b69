import type { NewEvent } from './eventStore.js';
import type { Event, Message } from './message.js';

/**
 * Completes an event from the command that caused it: a deterministic id (`<messageId>:<index>`, or
 * `<messageId>:<qualifier>:<index>`) and the command's context.
 */
export function toNewEvent(command: Message, qualifier?: string) {
  const prefix =
    qualifier === undefined ? command.metadata.messageId : `${command.metadata.messageId}:${qualifier}`;
  return (event: Event, index: number): NewEvent => ({
    id: `${prefix}:${index}`,
    type: event.type,
    data: event.data,
    metadata: {
      correlationId: command.metadata.correlationId,
      causationId: command.metadata.messageId,
      principal: command.metadata.principal,
      timestamp: command.metadata.timestamp,
      ...event.metadata,
    },
  });
}
