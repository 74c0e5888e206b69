import { projectionStatus, type ProjectionRecord } from '@janus/core';
import type { Command } from 'commander';
import { CliError, exitCodes } from '../cliError.js';
import { globalOptions } from '../globalOptions.js';
import { examples } from '../helpText.js';
import type { CliIo } from '../io.js';
import { toJsonText } from '../json.js';
import { withStore, type CliStore } from '../openStore.js';
import { parseSeconds } from '../parsers.js';
import { formatDuration, percentDone, Progress } from '../progress.js';
import { sleep } from '../sleep.js';

interface Options {
  readonly wait: boolean;
  readonly timeout: number;
}

/** How often the progress is read from the store. */
const POLL_MS = 250;

/**
 * `janus projections rebuild <name>`: the CLI cannot run projection code, so it asks the application's
 * projection runner (which checks for requests each round), then follows the progress the runner records.
 */
export function addProjectionsRebuild(projections: Command, io: CliIo): void {
  projections
    .command('rebuild')
    .description(
      "ask the application's running projection runner to rebuild a projection, and follow its progress",
    )
    .argument('<name>', 'the projection')
    .option('--no-wait', 'return right after the request, without following the rebuild')
    .option('--timeout <seconds>', 'stop waiting after this long (0: no limit)', parseSeconds, 600)
    .addHelpText(
      'after',
      [
        '',
        'The rebuild fills a new generation from the whole log while the old one keeps answering queries,',
        'then switches. It is done by the projection runner of the running application: the CLI only records',
        'the request. If the wait times out (exit 1) or is interrupted (exit 130), the request stands.',
        examples([
          ['janus --db bank.db projections rebuild bank.accounts', 'rebuild and follow the progress'],
          ['janus --db bank.db projections rebuild bank.accounts --no-wait', 'only request it'],
          ['janus --db bank.db projections rebuild bank.accounts --timeout 3600', 'wait up to an hour'],
        ]),
      ].join('\n'),
    )
    .action(async (name: string, options: Options, command: Command) => {
      const global = globalOptions(command);
      await withStore(global, (store) => rebuild(store, name, options, global.json, io));
    });
}

async function rebuild(store: CliStore, name: string, options: Options, json: boolean, io: CliIo) {
  const before = await store.projections.record(name);
  if (!before) throw new CliError(`unknown projection '${name}'`);
  await store.projections.requestRebuild(name);
  if (!options.wait) {
    io.stdout.write(
      json
        ? `${toJsonText({ name, requested: true, completed: false })}\n`
        : `rebuild of '${name}' requested: the application's projection runner will carry it out ` +
            "(follow it with 'janus projections status')\n",
    );
    return;
  }
  const abort = new AbortController();
  const unsubscribe = io.onInterrupt(() => {
    abort.abort();
  });
  const progress = json ? undefined : new Progress(io.stdout, name, { isTTY: io.isTTY });
  try {
    const started = Date.now();
    const done = await follow(store, before, options.timeout, progress, abort.signal);
    const seconds = (Date.now() - started) / 1000;
    if (json) {
      const { generation, version, position } = done;
      io.stdout.write(
        `${toJsonText({ name, requested: true, completed: true, generation, version, position, seconds })}\n`,
      );
    } else {
      progress?.finish(
        `rebuild ${name}: done in ${formatDuration(seconds)}: generation ${done.generation} ` +
          `(version ${done.version}) is active, at position ${done.position}`,
      );
    }
  } catch (error) {
    progress?.end();
    throw error;
  } finally {
    unsubscribe();
  }
}

/** Reads the record until the rebuild switched in; throws on timeout or interruption. */
async function follow(
  store: CliStore,
  before: ProjectionRecord,
  timeout: number,
  progress: Progress | undefined,
  signal: AbortSignal,
): Promise<ProjectionRecord> {
  const { name } = before;
  const deadline = timeout > 0 ? Date.now() + timeout * 1000 : Number.POSITIVE_INFINITY;
  let first: string | undefined;
  let moved = false;
  let failureSeen = '';
  for (;;) {
    const record = await store.projections.record(name);
    if (!record) throw new CliError(`projection '${name}' disappeared`);
    // Done when a newer generation is active and nothing is pending: a rebuild already under way when
    // the request came is followed by the requested one.
    if (record.generation > before.generation && !record.rebuild && !record.rebuildRequested) return record;
    const status = projectionStatus(record, await store.head());
    const key = `${record.generation} ${record.rebuildRequested} ${record.rebuild?.generation} ${record.rebuild?.position}`;
    first ??= key;
    moved ||= key !== first;
    progress?.update(status.rebuild);
    const { failure } = record;
    if (failure && `${failure.generation} ${failure.position}` !== failureSeen) {
      failureSeen = `${failure.generation} ${failure.position}`;
      progress?.note(
        `rebuild ${name}: stopped at position ${failure.position}, event ${failure.eventId} ` +
          `(${failure.eventType}): ${failure.message}; the runner retries it: fix the projection, or ` +
          `skip the event with 'janus projections skip ${name} ${failure.position}'`,
      );
    }
    if (Date.now() >= deadline) {
      const waited = `${timeout} s`;
      const stopped = failure ? `; it is stopped at position ${failure.position}: ${failure.message}` : '';
      throw new CliError(
        moved
          ? `rebuild of '${name}' did not finish within ${waited}${status.rebuild ? ` (${percentDone(status.rebuild)}% done)` : ''}; ` +
              `the request stands and a projection runner is working on it (follow it with 'janus projections status')${stopped}`
          : `rebuild of '${name}' did not start within ${waited}: no progress was seen, so no projection runner seems ` +
              `to be running for this database; the request stands, and a runner will carry it out when it runs${stopped}`,
      );
    }
    await sleep(POLL_MS, signal);
    if (signal.aborted) {
      throw new CliError(
        `stopped waiting: the rebuild of '${name}' was requested and goes on in the projection runner`,
        exitCodes.interrupted,
      );
    }
  }
}
