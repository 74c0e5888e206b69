// A pino logger that keeps its lines in memory, for tests that assert what a service logged (that bad
// input never logs at error level, say).
import { pino, type Logger } from 'pino';

export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface CapturedLog {
  /** Pass it as the service's logger. */
  readonly logger: Logger;
  readonly lines: () => readonly LogLine[];
  /** The lines at error level or above (pino's 50 and 60). */
  readonly errors: () => readonly LogLine[];
}

export function capturedLog(level = 'info'): CapturedLog {
  const lines: LogLine[] = [];
  const logger = pino(
    { level },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines: () => lines, errors: () => lines.filter((line) => line.level >= 50) };
}
