// An account's transaction history, as the service pages it (newest first).
import { query } from './api';
import { accountPath } from './paths';

export interface Transaction {
  readonly transactionId: string;
  readonly kind: string;
  readonly amount: string;
  readonly balanceAfter: string;
  readonly description: string;
  readonly occurredAt: string;
  readonly counterpartyAccountId?: string;
  readonly transferId?: string;
}

export interface TransactionPage {
  readonly items: readonly Transaction[];
  readonly nextCursor: string | null;
}

export const transactionsPath = (accountId: string, limit: number, cursor?: string | null): string =>
  accountPath(
    accountId,
    `/transactions?limit=${limit}${cursor === undefined || cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
  );

/** Enough for a readable chart; an account with more shows its latest `MAX_POINTS`. */
export const MAX_POINTS = 5000;

/** The account's latest transactions (up to MAX_POINTS), oldest first, following the cursors. */
export async function latestTransactions(accountId: string): Promise<Transaction[]> {
  const items: Transaction[] = [];
  let cursor: string | null = null;
  do {
    const page: TransactionPage = await query<TransactionPage>(transactionsPath(accountId, 500, cursor));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < MAX_POINTS);
  return items.reverse();
}
