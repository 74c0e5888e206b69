import {
  handleCommand,
  notFoundAsError,
  type Decider,
  type EventStore,
  type Event,
  type Message,
  type RetryOptions,
} from '@janus/core';

/** What the shop's command handlers need: the store, and how hard to retry conflicts. */
export interface ShopCommandDeps {
  readonly store: EventStore;
  /** Retries of a command whose stream moved under it (default: core's). */
  readonly retry?: RetryOptions;
}

/** Runs one command on one stream: load, decide, append at the version read, retried on conflict. */
export async function runCommand<S, C extends Message, E extends Event>(
  deps: ShopCommandDeps,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
) {
  try {
    return await handleCommand(
      deps.store,
      decider,
      streamId,
      command,
      deps.retry ? { retry: deps.retry } : {},
    );
  } catch (error) {
    throw notFoundAsError(error);
  }
}
