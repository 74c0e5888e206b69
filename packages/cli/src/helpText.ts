/** An "Examples:" section for a command's --help: each a command line and what it does. */
export function examples(list: readonly (readonly [command: string, what: string])[]): string {
  return ['', 'Examples:', ...list.flatMap(([command, what]) => [`  # ${what}`, `  $ ${command}`])].join(
    '\n',
  );
}

/** The exit codes, in the program's --help and the README. */
export const exitCodesHelp = [
  '',
  'Exit codes:',
  '  0    success',
  '  1    the command failed: unknown stream or projection, projection not stopped at that position,',
  '       rebuild timeout, database missing or unreadable, store error',
  '  2    usage error: unknown command or option, bad value, missing --db',
  '  130  interrupted while waiting for a rebuild (the rebuild request stands)',
  '',
  'Errors are one line on stderr, "janus: <message>"; set JANUS_DEBUG=1 for the stack trace.',
].join('\n');

/** Quotes a value for a shell command line shown in a hint, when it needs quoting. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
