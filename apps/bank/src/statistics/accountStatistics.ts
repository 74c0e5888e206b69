import { ValidationError, query, returns } from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { requireAccount, type BankQueryDeps } from '../accounts/accountQueries.js';
import { QueryInstant } from '../accounts/fields.js';
import {
  accountHistory,
  toTransactionItem,
  type HistoryItem,
  type TransactionItem,
} from '../history/transactionHistory.js';

export interface CountAndTotal {
  readonly count: number;
  /** Positive money. */
  readonly total: string;
}

/** `GET /accounts/{accountId}/statistics` as the contract writes it. */
export interface AccountStatistics {
  readonly accountId: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly deposits: CountAndTotal;
  readonly withdrawals: CountAndTotal;
  readonly transfersIn: CountAndTotal;
  readonly transfersOut: CountAndTotal;
  /** deposits + transfersIn − withdrawals − transfersOut, signed. */
  readonly netFlow: string;
  readonly minBalance: string | null;
  readonly maxBalance: string | null;
  readonly largestTransaction: TransactionItem | null;
}

export interface StatisticsRange {
  /** Inclusive; absent: from the beginning. */
  readonly from?: string | undefined;
  /** Exclusive; absent: until now. */
  readonly to?: string | undefined;
}

export const GetStatistics = query(
  'bank.GetStatistics',
  z
    .object({ accountId: z.string(), from: QueryInstant.optional(), to: QueryInstant.optional() })
    .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) <= Date.parse(r.to), {
      path: ['to'],
      error: 'must not be before from',
    }),
  returns<AccountStatistics>(),
);

/**
 * Statistics of an account's items whose occurredAt lies in [from, to). The opening deposit is its own
 * kind and counts in none of the four totals (nor in netFlow), but it is an item: it counts for the
 * lowest and highest balanceAfter and may be the largest transaction (largest by absolute amount; the
 * earliest of equals).
 */
export function accountStatistics(
  accountId: string,
  items: readonly HistoryItem[],
  range: StatisticsRange = {},
): AccountStatistics {
  const from = range.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.from);
  const to = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw new ValidationError('invalid statistics range');
  const inRange = items.filter((item) => {
    const at = Date.parse(item.occurredAt);
    return at >= from && at < to;
  });
  const sums = {
    deposit: { count: 0, total: 0n },
    withdrawal: { count: 0, total: 0n },
    transfer_in: { count: 0, total: 0n },
    transfer_out: { count: 0, total: 0n },
  };
  let min: bigint | null = null;
  let max: bigint | null = null;
  let largest: HistoryItem | null = null;
  for (const item of inRange) {
    if (item.kind !== 'opening_deposit') {
      const sum = sums[item.kind];
      sum.count += 1;
      sum.total += abs(item.amount);
    }
    if (min === null || item.balanceAfter < min) min = item.balanceAfter;
    if (max === null || item.balanceAfter > max) max = item.balanceAfter;
    if (largest === null || abs(item.amount) > abs(largest.amount)) largest = item;
  }
  const view = (s: { count: number; total: bigint }): CountAndTotal => ({
    count: s.count,
    total: formatMoney(s.total),
  });
  return {
    accountId,
    from: range.from ?? null,
    to: range.to ?? null,
    deposits: view(sums.deposit),
    withdrawals: view(sums.withdrawal),
    transfersIn: view(sums.transfer_in),
    transfersOut: view(sums.transfer_out),
    netFlow: formatMoney(
      sums.deposit.total + sums.transfer_in.total - sums.withdrawal.total - sums.transfer_out.total,
    ),
    minBalance: min === null ? null : formatMoney(min),
    maxBalance: max === null ? null : formatMoney(max),
    largestTransaction: largest && toTransactionItem(largest),
  };
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

/** `GET /accounts/{accountId}/statistics?from=&to=` */
export async function getStatistics(
  deps: BankQueryDeps,
  params: { readonly accountId: string } & StatisticsRange,
): Promise<AccountStatistics> {
  await requireAccount(deps.readModels, params.accountId);
  return accountStatistics(params.accountId, await accountHistory(deps.readModels, params.accountId), params);
}
