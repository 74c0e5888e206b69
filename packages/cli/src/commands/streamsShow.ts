import type { Command } from 'commander';
import { CliError } from '../cliError.js';
import { globalOptions } from '../globalOptions.js';
import { examples } from '../helpText.js';
import type { CliIo } from '../io.js';
import { eventJson, toJsonText } from '../json.js';
import { withStore } from '../openStore.js';
import { parsePositiveInteger } from '../parsers.js';
import { formatTable } from '../table.js';

interface Options {
  readonly from?: number;
  readonly limit: number;
  readonly backward?: boolean;
}

/** `janus streams show <stream>`: one stream's events. */
export function addStreamsShow(streams: Command, io: CliIo): void {
  streams
    .command('show')
    .description('show the events of one stream: version, position, type, recording time, id')
    .argument('<stream>', 'the stream id')
    .option('--from <version>', 'first version to show (with --backward: the last one)', parsePositiveInteger)
    .option('--limit <n>', 'at most this many events', parsePositiveInteger, 100)
    .option('--backward', 'newest first')
    .addHelpText(
      'after',
      examples([
        ['janus --db bank.db streams show bank.account-42', 'the first 100 events of a stream'],
        ['janus --db bank.db streams show bank.account-42 --backward --limit 5', 'its last 5 events'],
        ['janus --db bank.db streams show bank.account-42 --from 101', 'from version 101 on'],
        ['janus --db bank.db streams show bank.account-42 --json', 'every field, with data and metadata'],
      ]),
    )
    .action(async (streamId: string, options: Options, command: Command) => {
      const global = globalOptions(command);
      await withStore(global, async (store) => {
        const version = await store.streamVersion(streamId);
        if (version === 0) throw new CliError(`unknown stream '${streamId}'`);
        const backward = options.backward === true;
        const events = await store.readStream(streamId, {
          from: options.from,
          limit: options.limit,
          direction: backward ? 'backward' : 'forward',
        });
        const last = events.at(-1);
        const nextVersion = last === undefined ? null : backward ? last.version - 1 : last.version + 1;
        const next = nextVersion !== null && nextVersion >= 1 && nextVersion <= version ? nextVersion : null;
        if (global.json) {
          io.stdout.write(`${toJsonText({ streamId, version, events: events.map(eventJson), next })}\n`);
          return;
        }
        if (events.length === 0) {
          io.stdout.write(`no events of '${streamId}' (version ${version}) from version ${options.from}\n`);
          return;
        }
        io.stdout.write(
          formatTable(
            [
              { header: 'VERSION', align: 'right' },
              { header: 'POSITION', align: 'right' },
              { header: 'TYPE' },
              { header: 'RECORDED AT' },
              { header: 'ID' },
            ],
            events.map((e) => [String(e.version), String(e.position), e.type, e.recordedAt, e.id]),
          ),
        );
        if (next !== null && events.length === options.limit) {
          const rest = backward ? ' --backward' : '';
          io.stdout.write(`more may follow: --from ${next}${rest}\n`);
        }
      });
    });
}
