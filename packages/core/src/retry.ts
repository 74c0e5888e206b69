import { isConcurrencyError } from './errors.js';

export interface RetryOptions {
  /** How many attempts in all (default 5). */
  readonly attempts?: number;
  /** Upper bound of the first back-off in ms; doubles with each attempt (default 5). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Runs `attempt` again when it fails with a ConcurrencyError, up to a bound, after a random ("full
 * jitter") back-off so that competing writers spread out instead of colliding again in lock-step.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseDelayMs = 5, maxDelayMs = 200 } = options;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConcurrencyError(error) || i >= attempts) throw error;
      const delay = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (i - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
