import fs from 'node:fs';
import { Command } from 'commander';
import { addEventsTail } from './commands/eventsTail.js';
import { addProjectionsRebuild } from './commands/projectionsRebuild.js';
import { addProjectionsSkip } from './commands/projectionsSkip.js';
import { addProjectionsStatus } from './commands/projectionsStatus.js';
import { addStreamsList } from './commands/streamsList.js';
import { addStreamsShow } from './commands/streamsShow.js';
import { examples, exitCodesHelp } from './helpText.js';
import { processIo, type CliIo } from './io.js';

/**
 * The `janus` program. Parse with `parseAsync(argv, { from: 'user' })`: usage errors and --help throw a
 * CommanderError (exitOverride) instead of exiting, so `run` decides the exit code.
 */
export function createProgram(io: Partial<CliIo> = {}): Command {
  const cli: CliIo = { ...processIo(), ...io };
  // Settings first: subcommands copy them (output, exitOverride) when they are created.
  const program = new Command('janus')
    .description('Janus operations: read streams and the global log, watch and repair projections.')
    .version(packageVersion(), '-V, --version', 'print the version of the janus CLI')
    .option('--db <file>', 'the SQLite database file of the application (must exist; required unless --url)')
    .option('--url <url>', 'a PostgreSQL connection URL (instead of --db)')
    .option('--schema <name>', 'the PostgreSQL schema of the store, with --url', 'janus')
    .option('--json', 'machine-readable output: one JSON document, bigints as strings (--follow: JSON Lines)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cli.stdout.write(text),
      writeErr: (text) => cli.stderr.write(text),
      // One line, 'janus: <message>', also for commander's "(Did you mean …?)" on a line of its own.
      outputError: (text, write) => {
        write(`janus: ${oneLine(text.replace(/^error: /, ''))}\n`);
      },
    })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      [
        exitCodesHelp,
        examples([
          ['janus --db bank.db streams list --prefix bank.account-', 'list streams'],
          ['janus --db bank.db events tail --follow', 'follow the global log'],
          ['janus --db bank.db projections status', 'how far each projection is'],
          ['janus --db bank.db projections rebuild bank.accounts', 'rebuild one, following its progress'],
          ['janus streams show --help', 'the options of one command'],
        ]),
      ].join('\n'),
    );

  const streams = program.command('streams').description('read streams: list them, show the events of one');
  addStreamsList(streams, cli);
  addStreamsShow(streams, cli);

  const events = program.command('events').description('read the global log of every event');
  addEventsTail(events, cli);

  const projections = program
    .command('projections')
    .description('watch and repair projections: status, rebuild, skip a poison event');
  addProjectionsStatus(projections, cli);
  addProjectionsRebuild(projections, cli);
  addProjectionsSkip(projections, cli);

  return program;
}

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' ');

function packageVersion(): string {
  // ../package.json from both src/ (tests) and dist/ (the installed command).
  const text = fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
