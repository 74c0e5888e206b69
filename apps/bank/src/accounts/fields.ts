import { SafeText } from '@janus/money';
import { z } from 'zod';

/** Ids the server makes (accountId, transactionId, transferId, alertId): opaque, at most 64 characters. */
export const Id = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
export const AccountId = Id;
export const TransactionId = Id;
/** At most 60 characters: a transfer's legs get the transaction ids `<transferId>:out` and `<transferId>:in`. */
export const TransferId = z.string().min(1, 'must not be empty').max(60, 'must be at most 60 characters');

/** Chosen by the client. */
export const CustomerId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -');

export const AccountType = z.enum(['checking', 'savings']);
export type AccountType = z.infer<typeof AccountType>;

/** ISO 4217, fixed per account. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');
export const DEFAULT_CURRENCY = 'USD';

/** An instant, ISO 8601 in UTC ("2026-11-26T09:12:35.123Z"). */
export const Instant = z.iso.datetime({ error: 'must be an ISO 8601 UTC timestamp' });

/** An instant a client asks about: ISO 8601, in UTC or with an offset. */
export const QueryInstant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });

// C0 and C1 control characters (line breaks included): a description is one line of text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Free text a client attaches to a transaction: one line, at most 140 characters (code points), no lone
 * surrogate and no bidirectional control.
 */
export const Description = SafeText.refine(
  (text) => codePoints(text) <= 140,
  'must be at most 140 characters',
).refine((text) => !CONTROL.test(text), 'must not contain control characters such as line breaks');

/** What every account's stream id starts with: `janus streams list --prefix bank.account-`. */
export const ACCOUNT_STREAM_PREFIX = 'bank.account-';

/** The prefix of every stream the bank writes (accounts are its only streams). */
export const BANK_STREAM_PREFIXES: readonly string[] = [ACCOUNT_STREAM_PREFIX];

/** The stream that holds one account's events. */
export const accountStream = (accountId: string): string => `${ACCOUNT_STREAM_PREFIX}${accountId}`;
