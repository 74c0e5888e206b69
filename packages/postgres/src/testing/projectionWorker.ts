// A projection worker process for projectionWorkers.int.test.ts, run from dist/ as
//   node dist/testing/projectionWorker.js <url> <id>
// It opens the event store and the projection store on <url> and runs the counter projections with
// PostgreSQL leases, so that of several workers only one runs each projection. It prints 'ready' once
// started, then 'holds <projection>' and 'lost <projection>' as its leases come and go. SIGTERM stops
// it cleanly; the test mostly SIGKILLs it.
import process from 'node:process';
import { ProjectionRunner } from '@janus/core';
import { PostgresEventStore } from '../postgresEventStore.js';
import { PostgresLeases } from '../postgresLeases.js';
import { PostgresProjectionStore } from '../postgresProjectionStore.js';
import { workerProjections } from './counterFixtures.js';

const [url, id] = process.argv.slice(2);
if (!url || !id) {
  process.stderr.write('usage: projectionWorker.js <url> <id>\n');
  process.exit(2);
}

const events = await PostgresEventStore.open(url, { poolSize: 2 });
const store = await PostgresProjectionStore.open(url, { poolSize: 3 });
const leases = new PostgresLeases(url, { checkIntervalMs: 250 });
const runner = new ProjectionRunner({
  log: events,
  store,
  projections: workerProjections(),
  leases,
  batchSize: 100,
  pollIntervalMs: 200,
  retry: { initialDelayMs: 20, maxDelayMs: 200 },
  onNotice: (notice) => {
    if (notice.kind === 'error' || notice.kind === 'failed') {
      process.stderr.write(`${id}: ${notice.kind}: ${notice.projection}: ${String(notice.error)}\n`);
    }
  },
});
await runner.start();
process.stdout.write('ready\n');

// Tells the test which leases it holds, as they change.
let held = new Set<string>();
const watch = setInterval(() => {
  const now = new Set(leases.held());
  for (const name of now) if (!held.has(name)) process.stdout.write(`holds ${name}\n`);
  for (const name of held) if (!now.has(name)) process.stdout.write(`lost ${name}\n`);
  held = now;
}, 10);

process.once('SIGTERM', () => {
  clearInterval(watch);
  void (async () => {
    await runner.stop();
    await store.close();
    await events.close();
    process.exit(0);
  })();
});
