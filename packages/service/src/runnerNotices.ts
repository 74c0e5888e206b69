import type { RunnerNotice } from '@janus/core';

/** The part of a logger the runner's notices need (a pino or Fastify logger). */
export interface NoticeLogger {
  error(object: object, message: string): void;
  info(object: object, message: string): void;
}

/** A line for people about a runner notice (rebuild progress included), or undefined. */
export function describeNotice(notice: RunnerNotice): string | undefined {
  switch (notice.kind) {
    case 'rebuild-started':
      return `rebuilding ${notice.projection} (generation ${notice.generation})`;
    case 'rebuild-progress': {
      const progress = notice.status.rebuild;
      if (!progress) return undefined;
      const percent = progress.total > 0n ? Number((progress.done * 1000n) / progress.total) / 10 : 100;
      const left = progress.secondsLeft === null ? '' : `, ~${Math.ceil(progress.secondsLeft)} s left`;
      return (
        `rebuilding ${notice.projection}: ${progress.done}/${progress.total} events (${percent}%), ` +
        `${Math.round(progress.rate)} events/s${left}`
      );
    }
    case 'rebuild-completed':
      return `rebuilt ${notice.projection} (generation ${notice.generation} is now active)`;
    case 'recovered':
      return `projection ${notice.projection} recovered`;
    default:
      return undefined;
  }
}

/** Logs a runner notice: a failure or an error at error, recovery and rebuilds at info. */
export function logNotice(log: NoticeLogger, notice: RunnerNotice): void {
  if (notice.kind === 'failed' || notice.kind === 'error') {
    log.error({ projection: notice.projection, err: notice.error }, 'projection failed');
    return;
  }
  const line = describeNotice(notice);
  if (line !== undefined) log.info({ projection: notice.projection }, line);
}
