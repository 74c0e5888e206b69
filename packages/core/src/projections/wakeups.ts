/**
 * What wakes the runner's catch-up loop before its poll interval ends: an append, a rebuild or a skip, a
 * stop. Wake-ups are counted, so that one arriving while a round runs is not missed by the sleep after it.
 */
export class Wakeups {
  #count = 0;
  readonly #sleepers = new Set<() => void>();

  /** The wake-ups so far: a round notes it when it begins, and sleeps only if it has not changed. */
  get count(): number {
    return this.#count;
  }

  wake(): void {
    this.#count++;
    for (const sleeper of [...this.#sleepers]) sleeper();
  }

  /** Sleeps `ms`, unless woken since the count was `seen`, or `signal` is aborted. */
  sleep(ms: number, seen: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.#count !== seen) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }
}
