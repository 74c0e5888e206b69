import {
  projectionStatus,
  type ProjectionFailure,
  type ProjectionRecord,
  type ProjectionStatus,
} from '@janus/core';
import type { Command } from 'commander';
import { CliError } from '../cliError.js';
import { globalOptions } from '../globalOptions.js';
import { examples } from '../helpText.js';
import type { CliIo } from '../io.js';
import { toJsonText } from '../json.js';
import { withStore } from '../openStore.js';
import { formatRebuild } from '../progress.js';
import { formatTable } from '../table.js';

/** `janus projections status [name]`: how far each projection is, and why one stopped. */
export function addProjectionsStatus(projections: Command, io: CliIo): void {
  projections
    .command('status')
    .description(
      'show each projection: version, checkpoint, head of the log, lag, state, failure, rebuild progress',
    )
    .argument('[name]', 'only this projection')
    .addHelpText(
      'after',
      [
        '',
        'States: running (caught up), catching-up (behind the head), rebuilding (a new generation is being',
        'filled, or a rebuild was requested), stopped (an event failed: ERROR says which; see `projections skip`).',
        examples([
          ['janus --db bank.db projections status', 'every projection'],
          ['janus --db bank.db projections status bank.accounts --json', 'one, as JSON'],
        ]),
      ].join('\n'),
    )
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      await withStore(global, async (store) => {
        let records: ProjectionRecord[];
        if (name === undefined) {
          records = await store.projections.records();
        } else {
          const record = await store.projections.record(name);
          if (!record) throw new CliError(`unknown projection '${name}'`);
          records = [record];
        }
        const head = await store.head();
        const statuses = records.map((record) => ({ record, status: projectionStatus(record, head) }));
        if (global.json) {
          const projections = statuses.map(({ record, status }) => ({
            ...status,
            generation: record.generation,
            rebuildRequested: record.rebuildRequested,
          }));
          io.stdout.write(`${toJsonText({ head, projections })}\n`);
          return;
        }
        if (records.length === 0) {
          io.stdout.write(
            'no projections yet: a projection runner registers its projections when it starts\n',
          );
          return;
        }
        io.stdout.write(
          formatTable(
            [
              { header: 'NAME' },
              { header: 'VERSION', align: 'right' },
              { header: 'POSITION', align: 'right' },
              { header: 'HEAD', align: 'right' },
              { header: 'LAG', align: 'right' },
              { header: 'STATE' },
              { header: 'ERROR' },
            ],
            statuses.map(({ record, status }) => [
              status.name,
              String(status.version),
              String(status.position),
              String(status.head),
              String(status.lag),
              stateText(status, record),
              status.failure ? failureText(status.failure) : '',
            ]),
          ),
        );
      });
    });
}

/** "running", "rebuilding to v3: 45% 45000/100000 events, 12000 ev/s, 5 s left", "stopped". */
export function stateText(status: ProjectionStatus, record: ProjectionRecord): string {
  const { rebuild } = status;
  if (rebuild) {
    const target = rebuild.version === status.version ? '' : ` to v${rebuild.version}`;
    return `${status.state}${target}: ${formatRebuild(rebuild)}`;
  }
  return record.rebuildRequested ? `${status.state} (requested, not started yet)` : status.state;
}

/** "at position 41, event 0197… (bank.X.v1): boom (3 attempts since 2025-…)". */
export function failureText(failure: ProjectionFailure): string {
  const attempts = failure.attempts === 1 ? '1 attempt' : `${failure.attempts} attempts`;
  const message = failure.message.replace(/\s*\n\s*/g, ' ');
  return `at position ${failure.position}, event ${failure.eventId} (${failure.eventType}): ${message} (${attempts} since ${failure.since})`;
}
