import { fail, isRejection, multiStreamDecider, rejectionIn, type Rejection } from '@janus/core';
import { accountClosed, accountNotFound, type Account, type AccountDecider } from '../accounts/account.js';
import { ReceiveTransfer, SendTransfer } from '../accounts/accountCommands.js';
import type { AccountEvent } from '../accounts/accountEvents.js';
import { accountStream } from '../accounts/fields.js';
import { transferLegIds, type TransferCommand } from './transferCommands.js';

/** The events of an accepted transfer: one for each account's stream. */
export interface TransferLegs {
  readonly from: readonly AccountEvent[];
  readonly to: readonly AccountEvent[];
}

/** A refusal of a transfer; the events it carries (a fraud alert) go to the stream it names. */
export type TransferRejection = Rejection<AccountEvent> & { readonly stream?: 'from' | 'to' };

/**
 * A transfer as a decision over the two accounts' streams: core's handleMultiStreamCommand loads both,
 * decides, and appends both legs atomically, each stream at the version read.
 */
export const transferDecider = (account: AccountDecider) =>
  multiStreamDecider({
    streams: (command: TransferCommand) => ({
      from: { streamId: accountStream(command.data.fromAccountId), decider: account },
      to: { streamId: accountStream(command.data.toAccountId), decider: account },
    }),
    decide: (command, { from, to }) => decideTransfer(account, command, from, to),
  });

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
): TransferLegs | TransferRejection {
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
  if (isRejection(sent)) return rejectionIn('from', sent);
  const received = account.decide(
    ReceiveTransfer(
      { ...leg, accountId: toAccountId, transactionId: ids.received, counterpartyAccountId: fromAccountId },
      command.metadata,
    ),
    to,
  );
  if (isRejection(received)) return rejectionIn('to', received);
  return { from: sent, to: received };
}
