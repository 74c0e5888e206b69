import { DomainError, query, returns } from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { requireAccount, type BankQueryDeps } from '../accounts/accountQueries.js';
import type { AccountDocument } from '../accounts/accountsView.js';
import {
  accountHistory,
  toTransactionItem,
  type HistoryItem,
  type TransactionItem,
} from '../history/transactionHistory.js';

/** A calendar month, "2026-11"; months are UTC. There is no year 0 (1 BC is followed by AD 1). */
export const Month = z
  .string()
  .regex(/^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM, e.g. 2026-11');

/** `GET /accounts/{id}/statements/{YYYY-MM}` (JSON; the CSV and PDF renderings are made from it). */
export interface StatementView {
  readonly accountId: string;
  readonly customerId: string;
  readonly month: string;
  readonly currency: string;
  /** The balance at the start of the month ("0.00" when the account did not exist yet). */
  readonly openingBalance: string;
  /** The balance at the end of the month, or now for the current month. */
  readonly closingBalance: string;
  /** Money in during the month (positive amounts, the opening deposit included). */
  readonly totalIn: string;
  /** Money out during the month, as a positive amount. */
  readonly totalOut: string;
  /** Oldest first. */
  readonly transactions: readonly TransactionItem[];
}

export const GetStatement = query(
  'bank.GetStatement',
  z.object({ accountId: z.string(), month: Month }),
  returns<StatementView>(),
);

/** The month's bounds in epoch ms: [start, end). */
export function monthRange(month: string): { readonly start: number; readonly end: number } {
  const parsed = Month.safeParse(month);
  if (!parsed.success) throw new TypeError(`invalid month '${month}'`);
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7)) - 1;
  return { start: firstOfMonth(year, index), end: firstOfMonth(year, index + 1) };
}

/** Date.UTC reads years 0-99 as 1900-1999: set the full year after. */
function firstOfMonth(year: number, index: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, index, 1);
  return date.getTime();
}

/**
 * A month's statement from the account's items. The opening balance sums the items before the month
 * and the closing balance adds the month's items to it, so opening + in − out = closing always holds.
 * `now` (ISO) is the query's time: a month that has not started yet is refused ('month-not-started').
 */
export function monthlyStatement(
  account: AccountDocument,
  items: readonly HistoryItem[],
  month: string,
  now: string,
): StatementView {
  const { start, end } = monthRange(month);
  if (start > Date.parse(now))
    throw new DomainError('month-not-started', `the month ${month} has not started yet`);
  let opening = 0n;
  let totalIn = 0n;
  let totalOut = 0n;
  const during: HistoryItem[] = [];
  for (const item of items) {
    const at = Date.parse(item.occurredAt);
    if (at < start) opening += item.amount;
    else if (at < end) {
      during.push(item);
      if (item.amount > 0n) totalIn += item.amount;
      else totalOut -= item.amount;
    }
  }
  return {
    accountId: account.accountId,
    customerId: account.customerId,
    month,
    currency: account.currency,
    openingBalance: formatMoney(opening),
    closingBalance: formatMoney(opening + totalIn - totalOut),
    totalIn: formatMoney(totalIn),
    totalOut: formatMoney(totalOut),
    transactions: during.map(toTransactionItem),
  };
}

/** `GET /accounts/{accountId}/statements/{month}`; `now` is the query's metadata timestamp. */
export async function getStatement(
  deps: BankQueryDeps,
  params: { readonly accountId: string; readonly month: string },
  now: string,
): Promise<StatementView> {
  const account = await requireAccount(deps.readModels, params.accountId);
  return monthlyStatement(
    account,
    await accountHistory(deps.readModels, params.accountId),
    params.month,
    now,
  );
}
