/** The exit codes of the janus command. */
export const exitCodes = {
  ok: 0,
  /** Something went wrong doing it: unknown stream or projection, a refused skip, a timeout, a store error. */
  failure: 1,
  /** The command line was wrong: unknown command or option, a bad value, a missing --db. */
  usage: 2,
  /** Ctrl-C while waiting for a rebuild (the request stands). */
  interrupted: 130,
} as const;

/** An error to report as one line `janus: <message>`, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failure,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A bad command line: exit code 2. */
export const usageError = (message: string): CliError => new CliError(message, exitCodes.usage);
