import { command, returns, type MessageOf } from '@janus/core';
import { Cents, MoneyAmount } from '@janus/money';
import { z } from 'zod';
import type { Positioned } from '../accounts/accountCommands.js';
import { AccountId, Description, TransferId } from '../accounts/fields.js';

const differentAccounts = {
  check: (t: { fromAccountId: string; toAccountId: string }) => t.fromAccountId !== t.toAccountId,
  issue: { path: ['toAccountId'], error: 'must differ from fromAccountId' },
};

/** Moves money between two accounts of the same currency, atomically. `transferId` is made by the caller. */
export const Transfer = command(
  'bank.Transfer',
  z
    .object({
      transferId: TransferId,
      fromAccountId: AccountId,
      toAccountId: AccountId,
      amount: Cents,
      description: Description.optional(),
    })
    .refine(differentAccounts.check, differentAccounts.issue),
  returns<{ readonly transferId: string } & Positioned>(),
);
export type TransferCommand = MessageOf<typeof Transfer>;

/** `POST /transfers` */
export const TransferBody = z
  .strictObject({
    fromAccountId: AccountId,
    toAccountId: AccountId,
    amount: MoneyAmount,
    description: Description.optional(),
  })
  .refine(differentAccounts.check, differentAccounts.issue);

/**
 * The transaction ids of a transfer's two legs, derived from its id so that the command carries one id
 * and a retried transfer records the same ones.
 */
export const transferLegIds = (transferId: string) => ({
  sent: `${transferId}:out`,
  received: `${transferId}:in`,
});
