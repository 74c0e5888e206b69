import { z } from 'zod';
import { MAX_AMOUNT, formatMoney, parseMoney } from './money.js';

const PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]{1,2})?$';

const amountString = (allowZero: boolean) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : 'must be a JSON string holding a decimal such as "10.50" (numbers are refused)',
    })
    .transform((text, ctx) => {
      const parsed = parseMoney(text, { allowZero });
      if (parsed.ok) return parsed.cents;
      ctx.addIssue({ code: 'custom', message: parsed.message, input: text });
      return z.NEVER;
    })
    .meta({
      description: `An amount of money: a decimal string with at most 2 fraction digits, ${
        allowZero ? 'zero' : 'greater than zero'
      } and at most ${formatMoney(MAX_AMOUNT)}.`,
      pattern: PATTERN,
      examples: ['10', '10.5', '10.50'],
    });

/** An amount in a request, as the contract writes it ("10.50"), parsed into positive cents. */
export const MoneyAmount = amountString(false);

/** The same, but "0" is allowed (an initial deposit). */
export const MoneyAmountOrZero = amountString(true);

/** Cents inside (commands and events): a positive amount no larger than a request may carry. */
export const Cents = z.bigint().min(1n, 'must be greater than zero').max(MAX_AMOUNT, 'is too large');

/** Cents inside, zero allowed. */
export const CentsOrZero = z.bigint().min(0n, 'must not be negative').max(MAX_AMOUNT, 'is too large');

/** A balance: never negative, never bounded by the per-request maximum. */
export const Balance = z.bigint().min(0n, 'a balance is never negative');
