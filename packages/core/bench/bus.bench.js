// The command bus's own cost per dispatch (a registered handler, no middleware), against a direct call
// and @nestjs/cqrs's CommandBus (when installed: it is a dependency of bench/runner, not of core).
// Not part of the tests. After a build (`npx tsc -b packages/core`):
//   node packages/core/bench/bus.bench.js [dispatches]
/// <reference types="node" />
import console from 'node:console';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { CommandBus, command } from '../dist/index.js';

const DISPATCHES = Number(process.argv[2] ?? 1_000_000);
const RUNS = 5;

/** A Standard Schema that trusts its input: dispatch does not validate without middleware. */
const trusted = /** @type {import('../dist/index.js').StandardSchemaV1<{ amount: number }>} */ ({
  '~standard': { version: 1, vendor: 'bench', validate: (value) => ({ value: /** @type {any} */ (value) }) },
});
const Deposit = command('bench.Deposit.v1', trusted);

/** What every handler does: next to nothing, so that the bus is what is measured. */
let total = 0;
/** @param {{ data: { amount: number } }} message */
const handle = (message) => {
  total += message.data.amount;
  return Promise.resolve(total);
};

/**
 * DISPATCHES awaited dispatches, one after the other; ns per dispatch.
 * @param {() => Promise<unknown>} dispatch
 */
async function measure(dispatch) {
  const started = performance.now();
  for (let i = 0; i < DISPATCHES; i++) await dispatch();
  return ((performance.now() - started) * 1e6) / DISPATCHES;
}

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** @type {Record<string, () => Promise<unknown>>} */
const subjects = {};

const message = Deposit({ amount: 1 });
subjects['direct call'] = () => handle(message);

const janus = new CommandBus().register(Deposit, handle);
subjects['@janus/core CommandBus'] = () => janus.send(message);

try {
  await import('reflect-metadata');
  const { CommandBus: NestCommandBus } = await import('@nestjs/cqrs');
  class DepositCommand {
    /** @param {number} amount */
    constructor(amount) {
      this.data = { amount };
    }

    get amount() {
      return this.data.amount;
    }
  }
  // What @Command() and @CommandHandler() record, written out: this file is plain JavaScript.
  Reflect.defineMetadata('__command__', { id: 'bench.Deposit.v1' }, DepositCommand);
  const nest = new NestCommandBus(/** @type {any} */ (undefined), undefined);
  nest.bind(
    /** @type {any} */ ({ isDependencyTreeStatic: () => true, instance: { execute: handle } }),
    'bench.Deposit.v1',
  );
  subjects['@nestjs/cqrs CommandBus'] = () => nest.execute(new DepositCommand(1));
} catch (error) {
  console.log(`@nestjs/cqrs not measured: ${error instanceof Error ? error.message : String(error)}`);
}

console.log(
  `command bus dispatch: node ${process.version}, ${os.availableParallelism()} cores, ` +
    `${DISPATCHES.toLocaleString('en-US')} awaited dispatches, median of ${RUNS} runs (interleaved)`,
);
/** @type {Record<string, number[]>} */
const times = Object.fromEntries(Object.keys(subjects).map((name) => [name, /** @type {number[]} */ ([])]));
for (const dispatch of Object.values(subjects)) await measure(dispatch); // warm-up
for (let run = 0; run < RUNS; run++) {
  for (const [name, dispatch] of Object.entries(subjects)) times[name].push(await measure(dispatch));
}
for (const [name, values] of Object.entries(times)) {
  const ns = median(values);
  console.log(`${name}: ${ns.toFixed(0)} ns per dispatch, ${Math.round(1e9 / ns).toLocaleString('en-US')}/s`);
}
