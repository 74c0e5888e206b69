import { CommanderError } from 'commander';
import { CliError, exitCodes } from './cliError.js';
import { processIo, type CliIo } from './io.js';
import { createProgram } from './program.js';

/**
 * Runs the janus command line `argv` (without node and the script) and returns its exit code: 0 success,
 * 1 failure, 2 usage error, 130 interrupted. Errors are written as one line `janus: <message>`.
 */
export async function run(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const cli: CliIo = { ...processIo(), ...io };
  try {
    await createProgram(cli).parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    return report(error, cli);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander has written its message (or the help) already.
    if (error.exitCode === 0) return exitCodes.ok;
    if (error.code === 'commander.help') io.stderr.write('janus: a command is missing: see the list above\n');
    return exitCodes.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`janus: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (io.env.JANUS_DEBUG === '1' && error instanceof Error && error.stack)
    io.stderr.write(`${error.stack}\n`);
  return error instanceof CliError ? error.exitCode : exitCodes.failure;
}
