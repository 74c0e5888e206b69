import { MoneyAmount, money } from '@janus/money';
import { z } from 'zod';

/** The fraud rules' thresholds: configuration, read once at the edge and passed to the account decider. */
export interface FraudLimits {
  /** `large-amount`: an outgoing amount above this (cents) is refused. */
  readonly largeAmount: bigint;
  /** `velocity`: an account that already made this many accepted outgoing operations in the window is refused. */
  readonly velocityMax: number;
  /** `velocity`: the window, in seconds. */
  readonly velocityWindowS: number;
  /** `daily-limit`: the accepted outgoing total of a UTC day may not go above this (cents). */
  readonly dailyLimit: bigint;
}

/** The contract's defaults. */
export const defaultFraudLimits: FraudLimits = {
  largeAmount: money('10000.00'),
  velocityMax: 5,
  velocityWindowS: 60,
  dailyLimit: money('20000.00'),
};

const count = (what: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, `${what} must be a whole number from 1 to 999999999`)
    .transform((text) => Number.parseInt(text, 10));

/**
 * Fraud limits from configuration text (the values of BANK_FRAUD_LARGE_AMOUNT, BANK_FRAUD_VELOCITY_MAX,
 * BANK_FRAUD_VELOCITY_WINDOW_S and BANK_FRAUD_DAILY_LIMIT); a missing value takes the contract's default.
 * The caller reads the environment; this only parses.
 */
export const FraudLimitsConfig = z
  .object({
    largeAmount: MoneyAmount.optional(),
    velocityMax: count('velocityMax').optional(),
    velocityWindowS: count('velocityWindowS').optional(),
    dailyLimit: MoneyAmount.optional(),
  })
  .transform((c): FraudLimits => ({
    largeAmount: c.largeAmount ?? defaultFraudLimits.largeAmount,
    velocityMax: c.velocityMax ?? defaultFraudLimits.velocityMax,
    velocityWindowS: c.velocityWindowS ?? defaultFraudLimits.velocityWindowS,
    dailyLimit: c.dailyLimit ?? defaultFraudLimits.dailyLimit,
  }));
