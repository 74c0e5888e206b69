import tty from 'node:tty';

/** Where the CLI writes. Only `write` is needed, so tests can pass a string collector. */
export interface Output {
  write(text: string): unknown;
}

/** Everything the CLI touches outside its store: injectable, so the program can be tested in-process. */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Whether stdout is a terminal: progress is then redrawn in place instead of logged line by line. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `listener` on SIGINT or SIGTERM; returns the unsubscribe. */
  readonly onInterrupt: (listener: () => void) => () => void;
}

/** The real process's streams, environment and signals. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Not process.stdout.isTTY: typed boolean, it is undefined when stdout is not a terminal.
    isTTY: tty.isatty(1),
    env: process.env,
    onInterrupt(listener) {
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}
