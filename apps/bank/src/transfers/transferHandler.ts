import {
  ValidationError,
  isRejection,
  loadStream,
  rejectionError,
  retryOnConflict,
  toNewEvent,
} from '@janus/core';
import { accountDecider } from '../accounts/account.js';
import { notFoundAsError, type BankCommandDeps } from '../accounts/accountHandlers.js';
import type { AccountEvent } from '../accounts/accountEvents.js';
import { accountStream } from '../accounts/fields.js';
import { decideTransfer } from './decideTransfer.js';
import type { TransferCommand } from './transferCommands.js';

/**
 * The transfer handler: loads both accounts, decides both legs, and appends them in one atomic
 * multi-stream append, each stream at the version that was read; a conflict on either runs it all again.
 * Event ids derive from the command's message id (the sender's leg is event 0, the receiver's event 1),
 * so the same command appends once. A fraud refusal records its alert in the sender's stream, at the
 * version read, before failing (with the id `<messageId>:refused:0`).
 */
export function transferHandler(deps: BankCommandDeps) {
  const account = accountDecider(deps.fraud);
  const { store } = deps;
  return async (command: TransferCommand): Promise<{ transferId: string; position: bigint }> => {
    const { transferId, fromAccountId, toAccountId } = command.data;
    if (fromAccountId === toAccountId) {
      throw new ValidationError('a transfer needs two different accounts', [
        { path: 'toAccountId', message: 'must differ from fromAccountId' },
      ]);
    }
    const fromStream = accountStream(fromAccountId);
    const toStream = accountStream(toAccountId);
    const recorded = toNewEvent(command);
    // A refusal's events (a fraud alert) get ids of their own: were the same command sent again and
    // accepted, its legs must not be taken for a replay of the alert.
    const refused = (event: AccountEvent, i: number) => ({
      ...recorded(event, i),
      id: `${command.metadata.messageId}:refused:${i}`,
    });
    try {
      return await retryOnConflict(async () => {
        const [from, to] = await Promise.all([
          loadStream(store, account, fromStream, deps.snapshots),
          loadStream(store, account, toStream, deps.snapshots),
        ]);
        const decision = decideTransfer(account, command, from.state, to.state);
        if (isRejection(decision)) {
          if (decision.events.length > 0) {
            await store.append(fromStream, decision.events.map(refused), { expectedVersion: from.version });
          }
          throw rejectionError(decision);
        }
        const result = await store.appendMany([
          {
            streamId: fromStream,
            events: decision.from.map((e, i) => recorded(e, i)),
            expectedVersion: from.version,
          },
          {
            streamId: toStream,
            events: decision.to.map((e, i) => recorded(e, decision.from.length + i)),
            expectedVersion: to.version,
          },
        ]);
        return { transferId, position: result.position };
      }, deps.retry);
    } catch (error) {
      throw notFoundAsError(error);
    }
  };
}
