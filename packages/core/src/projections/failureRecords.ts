import { isStoreUnavailableError } from '../errors.js';
import type { RecordedEvent } from '../eventStore.js';
import { StaleCheckpointError, type ProjectionFailure, type ProjectionStore } from './projectionStore.js';
import type { RunnerNotice } from './runnerNotice.js';

export interface BackOff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** The delay before the n-th retry (n from 1): doubles from the initial delay up to the maximum. */
export const backOffDelay = (backOff: BackOff, attempt: number): number =>
  Math.min(backOff.maxDelayMs, backOff.initialDelayMs * 2 ** (attempt - 1));

/**
 * A projection stopped at a failing event: the failure is recorded in the store (with its attempts, so
 * that retries back off), told, and cleared when the event finally goes through.
 */
export class FailureRecords {
  /** When each failing event was last tried, by generation and position. */
  readonly #lastAttempt = new Map<string, number>();

  readonly #store: ProjectionStore;
  readonly #backOff: BackOff;
  readonly #onNotice: ((notice: RunnerNotice) => void) | undefined;

  constructor(store: ProjectionStore, backOff: BackOff, onNotice?: (notice: RunnerNotice) => void) {
    this.#store = store;
    this.#backOff = backOff;
    this.#onNotice = onNotice;
  }

  /** Whether a stopped projection's back-off has passed, so that its failing event is tried again. */
  retryDue(failure: ProjectionFailure): boolean {
    const last = this.#lastAttempt.get(`${failure.generation}:${failure.position}`) ?? 0;
    return Date.now() - last >= backOffDelay(this.#backOff, failure.attempts);
  }

  /** Notes that the failing event is being tried again now. */
  tried(failure: ProjectionFailure): void {
    this.#lastAttempt.set(`${failure.generation}:${failure.position}`, Date.now());
  }

  /** Records that `event` failed (again, when `previous` is the same event's failure) and stops there. */
  async stop(
    name: string,
    generation: number,
    event: RecordedEvent,
    error: unknown,
    previous: ProjectionFailure | null,
  ): Promise<never> {
    const again = previous?.position === event.position;
    const failure: ProjectionFailure = {
      generation,
      position: event.position,
      eventId: event.id,
      eventType: event.type,
      message: error instanceof Error ? error.message : String(error),
      since: again ? previous.since : new Date().toISOString(),
      attempts: again ? previous.attempts + 1 : 1,
    };
    await this.#store.setFailure(name, failure);
    this.tried(failure);
    this.#onNotice?.({ kind: 'failed', projection: name, failure, error });
    throw new ProjectionStopped();
  }

  /** Clears the failure of a projection whose failing event went through. */
  async recovered(name: string): Promise<void> {
    await this.#store.setFailure(name, null);
    this.#onNotice?.({ kind: 'recovered', projection: name });
  }
}

/**
 * Whether an error applying events may be the events' fault. Not when another runner moved the
 * checkpoint, nor when the store could not be reached: the events are not poison for that, and
 * recording a failure would stop the projection for nothing.
 */
export const isEventFailure = (error: unknown): boolean =>
  !(error instanceof StaleCheckpointError) && !isStoreUnavailableError(error);

/** Internal: the projection is stopped at a failing event; the runner waits and retries. */
export class ProjectionStopped extends Error {}
