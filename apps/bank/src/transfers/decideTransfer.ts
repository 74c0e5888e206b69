import { fail, isRejection, type Rejection } from '@janus/core';
import { accountClosed, accountNotFound, type Account, type AccountDecider } from '../accounts/account.js';
import { ReceiveTransfer, SendTransfer } from '../accounts/accountCommands.js';
import type { AccountEvent } from '../accounts/accountEvents.js';
import { transferLegIds, type TransferCommand } from './transferCommands.js';

/** The events of an accepted transfer: one for each account's stream. */
export interface TransferLegs {
  readonly from: readonly AccountEvent[];
  readonly to: readonly AccountEvent[];
}

/**
 * Decides a transfer from both accounts' states, purely. Checked in this order: both accounts exist, both
 * are open, same currency; then the sending account decides its leg (fraud rules, then funds) and the
 * receiving account its own. A fraud refusal carries the alert to record in the sender's stream.
 */
export function decideTransfer(
  account: AccountDecider,
  command: TransferCommand,
  from: Account,
  to: Account,
): TransferLegs | Rejection<AccountEvent> {
  const { transferId, fromAccountId, toAccountId, amount, description } = command.data;
  if (from.status === 'none') return accountNotFound(fromAccountId);
  if (to.status === 'none') return accountNotFound(toAccountId);
  for (const side of [from, to]) {
    if (side.status === 'closed') return accountClosed(side.accountId);
  }
  if (from.currency !== to.currency) {
    return fail('currency-mismatch', {
      message: `cannot transfer from a ${from.currency} account to a ${to.currency} account`,
    });
  }
  const ids = transferLegIds(transferId);
  const leg = { transferId, amount, ...(description === undefined ? {} : { description }) };
  const sent = account.decide(
    SendTransfer(
      { ...leg, accountId: fromAccountId, transactionId: ids.sent, counterpartyAccountId: toAccountId },
      command.metadata,
    ),
    from,
  );
  if (isRejection(sent)) return sent;
  const received = account.decide(
    ReceiveTransfer(
      { ...leg, accountId: toAccountId, transactionId: ids.received, counterpartyAccountId: fromAccountId },
      command.metadata,
    ),
    to,
  );
  if (isRejection(received)) return received;
  return { from: sent, to: received };
}
