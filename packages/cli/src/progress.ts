import type { RebuildProgress } from '@janus/core';
import type { Output } from './io.js';

/** "5 s", "2 min 5 s", "3 h 20 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Whole percent done, 0–100; an empty log counts as done. */
export function percentDone(progress: Pick<RebuildProgress, 'done' | 'total'>): number {
  if (progress.total <= 0n || progress.done >= progress.total) return 100;
  return Number((progress.done * 100n) / progress.total);
}

/** "45% 45000/100000 events, 12000 ev/s, 5 s left". */
export function formatRebuild(progress: RebuildProgress): string {
  const parts = [
    `${percentDone(progress)}% ${progress.done}/${progress.total} events`,
    `${Math.round(progress.rate)} ev/s`,
  ];
  if (progress.secondsLeft !== null && progress.done < progress.total) {
    parts.push(`${formatDuration(progress.secondsLeft)} left`);
  }
  return parts.join(', ');
}

/** A progress bar of `width` cells. */
export function formatBar(percent: number, width = 24): string {
  const filled = Math.round((Math.min(Math.max(percent, 0), 100) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export interface ProgressOptions {
  /** A terminal: one line redrawn in place. Otherwise (a log): plain lines, now and then. */
  readonly isTTY: boolean;
  /** In a log, a line at least this often while nothing else calls for one. Default 5000. */
  readonly intervalMs?: number;
  /** In a log, a line each time the percentage passes a multiple of this. Default 10. */
  readonly percentStep?: number;
  readonly now?: () => number;
}

/** Shows a rebuild's progress: a bar redrawn in place in a terminal, or a line per step in a log. */
export class Progress {
  readonly #out: Output;
  readonly #name: string;
  readonly #isTTY: boolean;
  readonly #intervalMs: number;
  readonly #percentStep: number;
  readonly #now: () => number;
  /** The line in place in a terminal ('' when none). */
  #drawn = '';
  #lastLineAt = Number.NEGATIVE_INFINITY;
  #lastKey = '';

  constructor(out: Output, name: string, options: ProgressOptions) {
    this.#out = out;
    this.#name = name;
    this.#isTTY = options.isTTY;
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#percentStep = options.percentStep ?? 10;
    this.#now = options.now ?? Date.now;
  }

  /** The rebuild's progress now, or null while no runner has started it. */
  update(progress: RebuildProgress | null): void {
    if (this.#isTTY) {
      this.#draw(
        progress
          ? `rebuild ${this.#name} ${formatBar(percentDone(progress))} ${formatRebuild(progress)}`
          : `rebuild ${this.#name}: requested, waiting for a projection runner to start it`,
      );
      return;
    }
    const now = this.#now();
    // A new line when the phase or the percentage step changes, or when a log has heard nothing for a while.
    const key = progress ? `step ${Math.floor(percentDone(progress) / this.#percentStep)}` : 'waiting';
    if (key === this.#lastKey && now - this.#lastLineAt < this.#intervalMs) return;
    this.#lastKey = key;
    this.#lastLineAt = now;
    this.#out.write(
      progress
        ? `rebuild ${this.#name}: ${formatRebuild(progress)}\n`
        : `rebuild ${this.#name}: requested, waiting for a projection runner to start it\n`,
    );
  }

  /** A line of its own (a failure, say), above the bar in a terminal. */
  note(line: string): void {
    const drawn = this.#drawn;
    if (drawn) this.#out.write('\r\x1b[K');
    this.#drawn = '';
    this.#out.write(`${line}\n`);
    if (drawn) this.#draw(drawn);
  }

  /** Ends with a final line in place of the bar. */
  finish(line: string): void {
    if (this.#drawn) this.#out.write('\r\x1b[K');
    this.#drawn = '';
    this.#out.write(`${line}\n`);
  }

  /** Leaves the bar as it is and moves to a new line (before an error message, say). */
  end(): void {
    if (this.#drawn) this.#out.write('\n');
    this.#drawn = '';
  }

  #draw(text: string): void {
    this.#out.write(`\r${text}\x1b[K`);
    this.#drawn = text;
  }
}
