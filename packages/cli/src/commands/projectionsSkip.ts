import os from 'node:os';
import { projectionStatus } from '@janus/core';
import type { Command } from 'commander';
import { CliError } from '../cliError.js';
import { globalOptions } from '../globalOptions.js';
import { examples } from '../helpText.js';
import type { CliIo } from '../io.js';
import { toJsonText } from '../json.js';
import { withStore } from '../openStore.js';
import { parsePosition } from '../parsers.js';

interface Options {
  readonly reason?: string;
}

/** `janus projections skip <name> <position>`: an operator's recorded skip of a poison event. */
export function addProjectionsSkip(projections: Command, io: CliIo): void {
  projections
    .command('skip')
    .description(
      'skip the event a stopped projection is stuck at: the skip is recorded with its reason, and the runner goes on',
    )
    .argument('<name>', 'the stopped projection')
    .argument(
      '<position>',
      'the position it is stopped at (ERROR in `janus projections status`)',
      parsePosition,
    )
    .option('--reason <text>', 'why the event is skipped; kept with the skip')
    .addHelpText(
      'after',
      [
        '',
        'Refuses (exit 1) unless the projection is stopped at exactly that position. The skip holds for the',
        "projection's current version: a new version, rebuilt from the log, applies the event again.",
        examples([
          ['janus --db bank.db projections status', 'find the failing position'],
          [
            'janus --db bank.db projections skip bank.accounts 41 --reason "bad import, see ticket 123"',
            'skip it',
          ],
        ]),
      ].join('\n'),
    )
    .action(async (name: string, position: bigint, options: Options, command: Command) => {
      const global = globalOptions(command);
      await withStore(global, async (store) => {
        const record = await store.projections.record(name);
        if (!record) throw new CliError(`unknown projection '${name}'`);
        const { failure } = record;
        if (!failure) {
          const { state } = projectionStatus(record, await store.head());
          throw new CliError(`projection '${name}' is not stopped (it is ${state}): nothing was skipped`);
        }
        if (failure.position !== position) {
          throw new CliError(
            `projection '${name}' is stopped at position ${failure.position}, not ${position}: nothing was skipped`,
          );
        }
        const skip = await store.projections.skip(name, position, options.reason ?? defaultReason());
        if (global.json) {
          io.stdout.write(`${toJsonText({ ...skip, eventType: failure.eventType })}\n`);
          return;
        }
        io.stdout.write(
          `skipped event ${skip.eventId} (${failure.eventType}) at position ${skip.position} ` +
            `for projection '${name}' version ${skip.version}: ${skip.reason}\n` +
            'the projection runner goes on with the next event\n',
        );
      });
    });
}

function defaultReason(): string {
  try {
    return `skipped by ${os.userInfo().username} with the janus CLI`;
  } catch {
    return 'skipped with the janus CLI';
  }
}
