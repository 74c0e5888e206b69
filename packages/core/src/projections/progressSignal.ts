import { TimeoutError } from '../errors.js';

export interface WaitUntilOptions {
  readonly timeoutMs: number;
  /** Checks again at least this often, for progress that nothing signals (other processes). */
  readonly pollMs: number;
  readonly signal?: AbortSignal;
  /** What was awaited, for the TimeoutError. */
  readonly what: string;
}

/** Signals that checkpoints moved, so that waiting for a position wakes on progress rather than a tight poll. */
export class ProgressSignal {
  #count = 0;
  readonly #listeners = new Set<() => void>();

  notify(): void {
    this.#count++;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Resolves once `reached()` holds; rejects with TimeoutError after `timeoutMs` or on `signal`. */
  async waitUntil(reached: () => Promise<boolean>, options: WaitUntilOptions): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const seen = this.#count;
      if (await reached()) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted) {
        throw new TimeoutError(`${options.what} within ${options.timeoutMs} ms`);
      }
      await this.#next(Math.min(remaining, options.pollMs), seen, options.signal);
    }
  }

  /** Resolves on the next progress after the count `seen` (at once if there was some), or after `ms`. */
  #next(ms: number, seen: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.#count !== seen) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#listeners.add(done);
      signal?.addEventListener('abort', done);
    });
  }
}
