import process from 'node:process';
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export interface ServiceLoggerOptions {
  /** Where lines go; default stdout. */
  readonly destination?: DestinationStream & { readonly isTTY?: boolean };
  /** Readable lines instead of JSON; default: whether the destination is a terminal. */
  readonly pretty?: boolean;
}

/**
 * A service's logger: readable lines on a terminal, JSON lines otherwise (for log collectors). Both
 * write synchronously, so that the start banner, written in one piece after them, never lands inside a
 * log line or between two.
 */
export function serviceLogger(level: string, options: ServiceLoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const pretty = options.pretty ?? destination.isTTY === true;
  if (pretty) {
    return pino(
      { level },
      PinoPretty({
        destination,
        sync: true,
        colorize: destination.isTTY === true,
        translateTime: 'SYS:HH:MM:ss.l',
      }),
    );
  }
  return pino({ level }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
