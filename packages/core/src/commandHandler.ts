import { isRejection, type Decider } from './decider.js';
import type { EventStore } from './eventStore.js';
import { handleMultiStreamCommand } from './handleMultiStreamCommand.js';
import type { SnapshotPolicy } from './loadStream.js';
import type { Event, Message } from './message.js';
import type { RetryOptions } from './retry.js';

export interface HandleCommandOptions {
  readonly snapshots?: SnapshotPolicy;
  readonly retry?: RetryOptions;
}

export interface CommandOutcome<S, E extends Event> {
  readonly streamId: string;
  /** The stream's version after the command. */
  readonly version: number;
  /** Global position of the stream's last event: wait for it to read your own write. */
  readonly position: bigint;
  readonly events: readonly E[];
  readonly state: S;
}

/**
 * Handles one command against one stream: load (snapshot + tail), decide, append with the version that
 * was read, and on a concurrency conflict do it all again (bounded, with jitter). Event ids derive from
 * the command's message id, so sending the same command twice appends its events once.
 * A rejection appends the events it carries, then throws a DomainError with its code.
 * It is the one-stream case of `handleMultiStreamCommand`, which keeps every guarantee for both.
 */
export async function handleCommand<S, C extends Message, E extends Event>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  options: HandleCommandOptions = {},
): Promise<CommandOutcome<S, E>> {
  const outcome = await handleMultiStreamCommand(
    store,
    {
      streams: () => ({ stream: { streamId, decider } }),
      decide: (c: C, states: { readonly stream: S }) => {
        const decision = decider.decide(c, states.stream);
        return isRejection(decision) ? decision : { stream: decision };
      },
    },
    command,
    { snapshots: { stream: options.snapshots }, ...(options.retry ? { retry: options.retry } : {}) },
  );
  return outcome.streams.stream;
}
