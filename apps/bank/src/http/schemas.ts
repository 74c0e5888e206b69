// Schemas of the HTTP edge: path and query parameters, and the answers (for the OpenAPI document only).
import { PageLimit } from '@janus/http';
import { z } from 'zod';

/**
 * An account id in a path, a query string or a transfer: what this server makes (uuidv7) fits, and so does
 * anything of 1 to 64 letters, digits, '_' and '-'. Anything else (spaces, quotes, control characters,
 * over 64 characters) is a 400 before any store is asked.
 */
export const AccountIdParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an account id: 1 to 64 characters of A-Z, a-z, 0-9, _ or -');

export const AccountPath = z.object({ accountId: AccountIdParam });

/** `?limit=`: a whole number from 1 to 500, as every service pages. */
export const Limit = PageLimit;

// Answers, as the contract writes them (documentation: answers are not validated against these).

const Money = z
  .string()
  .meta({ description: 'A decimal with exactly two fraction digits', examples: ['10.50'] });
const SignedMoney = z.string().meta({ description: 'Signed, two fraction digits', examples: ['-200.00'] });
const Instant = z.string().meta({ format: 'date-time', examples: ['2026-11-26T09:12:35.123Z'] });
const Position = z.number().int().meta({ description: 'Global log position of the last event written' });
const AccountType = z.enum(['checking', 'savings']);
const Status = z.enum(['open', 'closed']);

export const OpenedAnswer = z.object({ accountId: z.string(), position: Position });
export const TransactionAnswer = z.object({ transactionId: z.string(), position: Position });
export const TransferAnswer = z.object({ transferId: z.string(), position: Position });
export const PositionAnswer = z.object({ position: Position });

export const AccountAnswer = z.object({
  accountId: z.string(),
  customerId: z.string(),
  type: AccountType,
  currency: z.string(),
  balance: Money,
  status: Status,
  openedAt: Instant,
});

export const SummaryAnswer = z.object({
  customerId: z.string(),
  accounts: z.array(
    z.object({
      accountId: z.string(),
      type: AccountType,
      currency: z.string(),
      balance: Money,
      status: Status,
    }),
  ),
  totals: z.record(z.string(), Money).meta({ examples: [{ USD: '6500.00' }] }),
});

export const TransactionItem = z.object({
  transactionId: z.string(),
  kind: z.enum(['opening_deposit', 'deposit', 'withdrawal', 'transfer_in', 'transfer_out']),
  amount: SignedMoney,
  balanceAfter: Money,
  description: z.string(),
  occurredAt: Instant,
  counterpartyAccountId: z.string().optional(),
  transferId: z.string().optional(),
});

export const TransactionPageAnswer = z.object({
  items: z.array(TransactionItem).meta({ description: 'Newest first' }),
  nextCursor: z.string().nullable(),
});

const CountAndTotal = z.object({ count: z.number().int(), total: Money });

export const StatisticsAnswer = z.object({
  accountId: z.string(),
  from: Instant.nullable(),
  to: Instant.nullable(),
  deposits: CountAndTotal,
  withdrawals: CountAndTotal,
  transfersIn: CountAndTotal,
  transfersOut: CountAndTotal,
  netFlow: SignedMoney,
  minBalance: Money.nullable(),
  maxBalance: Money.nullable(),
  largestTransaction: TransactionItem.nullable(),
});

export const StatementAnswer = z.object({
  accountId: z.string(),
  customerId: z.string(),
  month: z.string().meta({ examples: ['2026-11'] }),
  currency: z.string(),
  openingBalance: Money,
  closingBalance: Money,
  totalIn: Money,
  totalOut: Money,
  transactions: z.array(TransactionItem).meta({ description: 'Oldest first' }),
});

export const FraudAlertsAnswer = z.object({
  items: z.array(
    z.object({
      alertId: z.string(),
      accountId: z.string(),
      rule: z.enum(['large-amount', 'velocity', 'daily-limit']),
      operation: z.enum(['withdrawal', 'transfer_out']),
      amount: Money,
      attemptedAt: Instant,
    }),
  ),
});
