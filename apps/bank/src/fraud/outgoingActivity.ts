import type { FraudRule } from '../accounts/accountEvents.js';
import type { FraudLimits } from './fraudLimits.js';

/**
 * What the fraud rules need to know of an account's past, kept in the account's own state (so two
 * concurrent withdrawals are serialized by the stream's optimistic concurrency and cannot both slip
 * under a limit): the times of its latest accepted outgoing operations and its outgoing total of the
 * latest UTC day it sent money.
 */
export interface OutgoingActivity {
  /** Epoch milliseconds of the latest accepted outgoing operations, oldest first, at most `velocityMax`. */
  readonly recent: readonly number[];
  /** The UTC day ("2026-11-26") `dayTotal` belongs to; null before the first outgoing operation. */
  readonly day: string | null;
  /** Accepted outgoing cents on `day`. */
  readonly dayTotal: bigint;
}

export const noOutgoingActivity: OutgoingActivity = { recent: [], day: null, dayTotal: 0n };

export const utcDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/**
 * The first fraud rule an outgoing operation of `amount` at `atMs` breaks, in the contract's order
 * (large-amount, velocity, daily-limit), or null when it breaks none.
 */
export function screenOutgoing(
  activity: OutgoingActivity,
  amount: bigint,
  atMs: number,
  limits: FraudLimits,
): FraudRule | null {
  if (amount > limits.largeAmount) return 'large-amount';
  // "In the last N seconds": strictly after the window's start; one exactly N seconds ago has left it.
  const windowStart = atMs - limits.velocityWindowS * 1000;
  const inWindow = activity.recent.filter((t) => t > windowStart).length;
  if (inWindow >= limits.velocityMax) return 'velocity';
  const spentToday = activity.day === utcDay(atMs) ? activity.dayTotal : 0n;
  if (spentToday + amount > limits.dailyLimit) return 'daily-limit';
  return null;
}

/** The activity after an accepted outgoing operation. */
export function recordOutgoing(
  activity: OutgoingActivity,
  amount: bigint,
  atMs: number,
  limits: FraudLimits,
): OutgoingActivity {
  const recent = [...activity.recent, atMs].sort((a, b) => a - b).slice(-Math.max(1, limits.velocityMax));
  const day = utcDay(atMs);
  if (activity.day === null || day > activity.day) return { recent, day, dayTotal: amount };
  if (day === activity.day) return { recent, day, dayTotal: activity.dayTotal + amount };
  // A clock that stepped back over midnight: the operation belongs to a day already over; today's total stands.
  return { ...activity, recent };
}
