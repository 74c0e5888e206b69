import { decodeCursor as decodeKey, encodeCursor as encodeKey, pageFrom, query, returns } from '@janus/core';
import { z } from 'zod';
import { requireAccount, type BankQueryDeps } from '../accounts/accountQueries.js';
import {
  accountHistory,
  toTransactionItem,
  type HistoryItem,
  type TransactionItem,
} from './transactionHistory.js';

export interface TransactionPage {
  /** Newest first. */
  readonly items: readonly TransactionItem[];
  /** Pass it as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export const ListTransactions = query(
  'bank.ListTransactions',
  z.object({
    accountId: z.string(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(50),
    cursor: z.string().optional(),
  }),
  returns<TransactionPage>(),
);

// A cursor names the stream version of the last item a client saw (see core's page cursors).
export const encodeCursor = (seq: number): string => encodeKey(String(seq));

export const decodeCursor = (cursor: string): number => Number(decodeKey(cursor, /^[1-9][0-9]{0,14}$/));

/** One page, newest first, of items kept oldest first: the items older than the cursor. */
export function pageOfTransactions(
  items: readonly HistoryItem[],
  limit: number,
  before: number = Number.POSITIVE_INFINITY,
): { readonly items: readonly HistoryItem[]; readonly nextCursor: string | null } {
  const older = items.filter((item) => item.seq < before).reverse();
  return pageFrom(older, limit, (item) => String(item.seq));
}

/** `GET /accounts/{accountId}/transactions?limit=&cursor=` */
export async function listTransactions(
  deps: BankQueryDeps,
  params: { readonly accountId: string; readonly limit?: number; readonly cursor?: string | undefined },
): Promise<TransactionPage> {
  const before = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  await requireAccount(deps.readModels, params.accountId);
  const items = await accountHistory(deps.readModels, params.accountId);
  const page = pageOfTransactions(items, params.limit ?? 50, before);
  return { items: page.items.map(toTransactionItem), nextCursor: page.nextCursor };
}
