// A child process for projectionKill.int.test.ts, run from dist/ as
//   node dist/testing/projectionWorker.js <file> <version> <batchSize> run|catch-up
// It follows the SQLite file's log with a document projection and an SQL projection (the test appends
// from another process, so it polls). 'run' runs until it is killed; 'catch-up' exits 0 once both
// projections reached the head with no rebuild pending. It prints 'ready' once the runner has started.
import process from 'node:process';
import { ProjectionRunner } from '@janus/core';
import { SqliteEventStore } from '../sqliteEventStore.js';
import { balanceDocuments, balanceTables } from './projectionFixtures.js';

const [file, version, batchSize, mode] = process.argv.slice(2);
if (!file || !version || !batchSize || (mode !== 'run' && mode !== 'catch-up')) {
  process.stderr.write('usage: projectionWorker.js <file> <version> <batchSize> run|catch-up\n');
  process.exit(2);
}
// Its stdin is a pipe from the test: when that process is gone, so is this one (no orphans).
process.stdin.on('end', () => process.exit(3)).resume();

const store = await SqliteEventStore.open(file);
const projections = [
  balanceDocuments({ name: 'kill.balances', version: Number(version) }),
  balanceTables({ name: 'kill.balance-tables', version: Number(version) }),
];
const runner = new ProjectionRunner({
  log: store,
  store: store.projections,
  projections,
  batchSize: Number(batchSize),
  pollIntervalMs: 10,
  retry: { initialDelayMs: 10, maxDelayMs: 50 },
  onNotice: (notice) => {
    if (notice.kind === 'error' || notice.kind === 'failed') {
      process.stderr.write(`${notice.kind}: ${notice.projection}: ${String(notice.error)}\n`);
    }
  },
});
await runner.start();
process.stdout.write('ready\n');

if (mode === 'catch-up') {
  for (;;) {
    const status = await runner.status();
    const head = await store.head();
    const done = status.every((s) => s.position === head && !s.rebuild && s.version === Number(version));
    if (done && status.length === projections.length) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await runner.stop();
  await store.close();
  process.exit(0);
}
