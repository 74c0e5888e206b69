import type { Command } from 'commander';
import { globalOptions } from '../globalOptions.js';
import { examples, shellQuote } from '../helpText.js';
import type { CliIo } from '../io.js';
import { toJsonText } from '../json.js';
import { withStore } from '../openStore.js';
import { parsePositiveInteger } from '../parsers.js';
import { formatTable } from '../table.js';

interface Options {
  readonly prefix?: string;
  readonly after?: string;
  readonly limit: number;
}

/** `janus streams list`: streams in id order, a page at a time. */
export function addStreamsList(streams: Command, io: CliIo): void {
  streams
    .command('list')
    .description('list streams in id order: id, version, and the global position of the last event')
    .option('--prefix <prefix>', 'only streams whose id starts with this')
    .option('--after <id>', 'only streams whose id sorts after this (the next page)')
    .option('--limit <n>', 'at most this many streams', parsePositiveInteger, 100)
    .addHelpText(
      'after',
      examples([
        ['janus --db bank.db streams list', 'the first 100 streams'],
        ['janus --db bank.db streams list --prefix bank.account- --limit 20', 'accounts only, 20 of them'],
        ['janus --db bank.db streams list --after bank.account-0042', 'the page after a stream'],
        ['janus --db bank.db streams list --json', 'as JSON: {"streams": [...], "next": ...}'],
      ]),
    )
    .action(async (options: Options, command: Command) => {
      const global = globalOptions(command);
      await withStore(global, async (store) => {
        const list = await store.listStreams({
          prefix: options.prefix,
          after: options.after,
          limit: options.limit,
        });
        // A full page may have a next one: say where it starts.
        const next = list.length === options.limit ? (list.at(-1)?.streamId ?? null) : null;
        if (global.json) {
          io.stdout.write(`${toJsonText({ streams: list, next })}\n`);
          return;
        }
        if (list.length === 0) {
          io.stdout.write('no streams\n');
          return;
        }
        io.stdout.write(
          formatTable(
            [
              { header: 'STREAM' },
              { header: 'VERSION', align: 'right' },
              { header: 'LAST POSITION', align: 'right' },
            ],
            list.map((s) => [s.streamId, String(s.version), String(s.position)]),
          ),
        );
        if (next !== null) io.stdout.write(`more may follow: --after ${shellQuote(next)}\n`);
      });
    });
}
