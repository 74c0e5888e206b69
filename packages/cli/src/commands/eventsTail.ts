import { subscribe, type RecordedEvent } from '@janus/core';
import type { Command } from 'commander';
import { globalOptions } from '../globalOptions.js';
import { examples } from '../helpText.js';
import type { CliIo } from '../io.js';
import { eventJson, toJsonText } from '../json.js';
import { withStore, type CliStore } from '../openStore.js';
import { parsePosition, parsePositiveInteger } from '../parsers.js';

interface Options {
  readonly from?: bigint;
  readonly limit: number;
  readonly follow?: boolean;
}

/** How often --follow re-reads the log: the writers are other processes, whose appends it is not told of. */
const FOLLOW_POLL_MS = 200;

/** `janus events tail`: the global log after a position, and with --follow, as it grows. */
export function addEventsTail(events: Command, io: CliIo): void {
  events
    .command('tail')
    .description(
      'print the global log after a position, one event a line: position, time, stream, version, type, id',
    )
    .option(
      '--from <position>',
      'print the events after this position (default: the last --limit events)',
      parsePosition,
    )
    .option(
      '--limit <n>',
      'at most this many events; with --follow, how many existing events to show first (without --from)',
      parsePositiveInteger,
      20,
    )
    .option('--follow', 'keep printing new events as they are committed, until Ctrl-C (SIGINT) or SIGTERM')
    .addHelpText(
      'after',
      examples([
        ['janus --db bank.db events tail', 'the last 20 events'],
        ['janus --db bank.db events tail --from 1000 --limit 50', 'the 50 events after position 1000'],
        ['janus --db bank.db events tail --follow', 'the last 20 events, then each new one'],
        [
          'janus --db bank.db events tail --from 0 --follow --json',
          'the whole log as JSON Lines, then new events',
        ],
      ]),
    )
    .action(async (options: Options, command: Command) => {
      const global = globalOptions(command);
      await withStore(global, async (store) => {
        const head = await store.head();
        const limit = BigInt(options.limit);
        const after = options.from ?? (head > limit ? head - limit : 0n);
        const print = (event: RecordedEvent) => {
          io.stdout.write(global.json ? `${toJsonText(eventJson(event), 0)}\n` : `${eventLine(event)}\n`);
        };
        if (options.follow) {
          await follow(store, after, print, io);
          return;
        }
        const list = await store.readAll({ after, limit: options.limit });
        if (global.json) {
          io.stdout.write(`${toJsonText({ head, events: list.map(eventJson) })}\n`);
          return;
        }
        for (const event of list) print(event);
      });
    });
}

/** "42  2025-06-01T10:00:00.000Z  bank.account-7  v3  bank.MoneyDeposited.v1  0197…". */
export function eventLine(event: RecordedEvent): string {
  return [
    String(event.position),
    event.recordedAt,
    event.streamId,
    `v${event.version}`,
    event.type,
    event.id,
  ].join('  ');
}

/** Prints each event after `after` as it is committed, until SIGINT or SIGTERM: then returns (exit 0). */
async function follow(
  store: CliStore,
  after: bigint,
  print: (event: RecordedEvent) => void,
  io: CliIo,
): Promise<void> {
  const abort = new AbortController();
  const unsubscribe = io.onInterrupt(() => {
    abort.abort();
  });
  try {
    for await (const event of subscribe(store, {
      after,
      signal: abort.signal,
      pollIntervalMs: FOLLOW_POLL_MS,
    })) {
      print(event);
    }
  } finally {
    unsubscribe();
  }
}
