import { ValidationError, handleMultiStreamCommand, notFoundAsError } from '@janus/core';
import { accountDecider } from '../accounts/account.js';
import type { BankCommandDeps } from '../accounts/accountHandlers.js';
import { transferDecider } from './decideTransfer.js';
import type { TransferCommand } from './transferCommands.js';

/**
 * The transfer handler: core's multi-stream command handling of `transferDecider` (both accounts loaded,
 * both legs appended atomically at the versions read, retried on conflict; the sender's leg is event 0,
 * the receiver's event 1). A fraud refusal records its alert in the sender's stream before failing.
 */
export function transferHandler(deps: BankCommandDeps) {
  const transfer = transferDecider(accountDecider(deps.fraud));
  const options = {
    retry: deps.retry,
    snapshots: { from: deps.snapshots, to: deps.snapshots },
  };
  return async (command: TransferCommand): Promise<{ transferId: string; position: bigint }> => {
    const { transferId, fromAccountId, toAccountId } = command.data;
    if (fromAccountId === toAccountId) {
      throw new ValidationError('a transfer needs two different accounts', [
        { path: 'toAccountId', message: 'must differ from fromAccountId' },
      ]);
    }
    try {
      const { position } = await handleMultiStreamCommand(deps.store, transfer, command, options);
      return { transferId, position };
    } catch (error) {
      throw notFoundAsError(error);
    }
  };
}
