import {
  handleCommand,
  notFoundAsError,
  type EventOf,
  type EventStore,
  type MessageOf,
  type RecordedEvent,
  type RetryOptions,
  type SnapshotPolicy,
} from '@janus/core';
import type { FraudLimits } from '../fraud/fraudLimits.js';
import { accountDecider, type AccountDecider } from './account.js';
import type { AccountCommand, CloseAccount, Deposit, OpenAccount, Withdraw } from './accountCommands.js';
import type { AccountOpened } from './accountEvents.js';
import { accountStream } from './fields.js';

/** What the bank's command handlers need: the store, the fraud limits, and how hard to retry conflicts. */
export interface BankCommandDeps {
  readonly store: EventStore;
  readonly fraud: FraudLimits;
  /** Retries of a command whose stream moved under it (default: core's, 5 attempts). */
  readonly retry?: RetryOptions;
  /** Account snapshots (see accountSnapshots); without them every command folds the whole stream. */
  readonly snapshots?: SnapshotPolicy;
}

/** Runs one account command: load, decide, append at the version read, retried on conflict. */
export async function runAccountCommand(
  deps: BankCommandDeps,
  account: AccountDecider,
  command: AccountCommand,
): Promise<bigint> {
  try {
    const options = {
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
    };
    const outcome = await handleCommand(
      deps.store,
      account,
      accountStream(command.data.accountId),
      command,
      options,
    );
    return outcome.position;
  } catch (error) {
    throw notFoundAsError(error);
  }
}

/** The handlers of the single-account commands, each answering what the contract's route answers. */
export function accountCommandHandlers(deps: BankCommandDeps) {
  const account = accountDecider(deps.fraud);
  return {
    openAccount: async (command: MessageOf<typeof OpenAccount>) => ({
      accountId: command.data.accountId,
      position: await runAccountCommand(deps, account, command),
    }),
    deposit: async (command: MessageOf<typeof Deposit>) => ({
      transactionId: command.data.transactionId,
      position: await runAccountCommand(deps, account, command),
    }),
    withdraw: async (command: MessageOf<typeof Withdraw>) => ({
      transactionId: command.data.transactionId,
      position: await runAccountCommand(deps, account, command),
    }),
    closeAccount: async (command: MessageOf<typeof CloseAccount>) => ({
      position: await runAccountCommand(deps, account, command),
    }),
  };
}

/**
 * The customer an account belongs to, from its stream (the write side, never behind): for authorization
 * of commands on an account. Undefined when the account does not exist.
 */
export async function accountOwner(store: EventStore, accountId: string): Promise<string | undefined> {
  const [first] = await store.readStream(accountStream(accountId), { limit: 1 });
  if (first?.type !== 'bank.AccountOpened.v1') return undefined;
  return (first as RecordedEvent<EventOf<typeof AccountOpened>>).data.customerId;
}
