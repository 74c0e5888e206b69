// A child process for workflowKill.int.test.ts, run from dist/ as
//   node dist/testing/workflowWorker.js <file> run|catch-up
// It runs the order-fulfilment workflow, whose commands are handled by deciders against the same SQLite
// store. 'run' runs until it is killed; 'catch-up' exits 0 once the workflow reached a quiet head.
// It prints 'ready' once the runner has started.
import process from 'node:process';
import { CommandBus, ProjectionRunner, handleCommand } from '@janus/core';
import { SqliteEventStore } from '../sqliteEventStore.js';
import { ConfirmOrder, Reserve, fulfilment, orders, stock } from './projectionFixtures.js';

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== 'run' && mode !== 'catch-up')) {
  process.stderr.write('usage: workflowWorker.js <file> run|catch-up\n');
  process.exit(2);
}
// Its stdin is a pipe from the test: when that process is gone, so is this one (no orphans).
process.stdin.on('end', () => process.exit(3)).resume();

const store = await SqliteEventStore.open(file);
const commands = new CommandBus()
  .register(Reserve, (c) => handleCommand(store, stock, `stock-${c.data.orderId}`, c))
  .register(ConfirmOrder, (c) => handleCommand(store, orders, `order-${c.data.orderId}`, c));
const runner = new ProjectionRunner({
  log: store,
  store: store.projections,
  projections: [],
  workflows: [fulfilment],
  commands,
  batchSize: 20,
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
  // Its own commands append events it must then handle: done when its checkpoint is the head twice over.
  let quiet = 0;
  while (quiet < 3) {
    const [status] = await runner.status();
    quiet = status && status.position === (await store.head()) && !status.failure ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await runner.stop();
  await store.close();
  process.exit(0);
}
