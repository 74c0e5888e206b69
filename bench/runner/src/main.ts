// `npm run bench`: every workload of issue 7 against every system, side by side in one process; the
// tables go to the terminal and, for a full run of everything, to bench/results and bench/RESULTS.md.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { RunReport, WorkloadResult } from './figure.js';
import { describeMachine } from './machine.js';
import { assertPostgresReachable, disposeAll, removeLeftovers } from './places.js';
import { renderReport, workloadTable } from './report.js';
import { fullSizes, quickSizes, type Sizes } from './sizes.js';
import { loadSystems } from './systems.js';
import { repoRoot } from './versions.js';
import type { Workload } from './workload.js';
import { batchAppends } from './workloads/batchAppends.js';
import { busOverhead } from './workloads/busOverhead.js';
import { catchUp } from './workloads/catchUp.js';
import { commandRoundTrip } from './workloads/commandRoundTrip.js';
import { expectedAppends } from './workloads/expectedAppends.js';
import { httpDeposits } from './workloads/httpDeposits.js';
import { rehydrate } from './workloads/rehydrate.js';
import { singleAppendsConcurrent, singleAppendsOneCaller } from './workloads/singleAppends.js';

const workloads: readonly Workload[] = [
  singleAppendsOneCaller,
  expectedAppends,
  singleAppendsConcurrent,
  batchAppends,
  rehydrate,
  commandRoundTrip,
  catchUp,
  busOverhead,
  httpDeposits,
];

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a whole number from 1 up');
  return n;
};

const options = new Command()
  .name('npm run bench --')
  .description('Janus side by side with Emmett, @nestjs/cqrs and the raw drivers (see bench/README.md).')
  .option('--quick', 'every workload and system at tiny sizes, once: seconds, not minutes')
  .option(
    '--out <dir>',
    'write <date>.json and <date>.md there (default: bench/results for a full run of everything, else a temp folder)',
  )
  .option('--only <numbers>', 'only these workloads, e.g. 1,3,6', list)
  .option(
    '--systems <keys>',
    'only these systems: janus-sqlite, emmett-sqlite, raw-sqlite, janus-postgres, emmett-postgres, raw-postgres',
    list,
  )
  .option('--repetitions <n>', 'repetitions of each figure (default 3; 1 with --quick)', positive)
  .parse()
  .opts<{ quick?: boolean; out?: string; only?: string[]; systems?: string[]; repetitions?: number }>();

const log = (line: string) => process.stderr.write(`${line}\n`);

// Interrupted (Ctrl-C, SIGTERM): the folders and databases in use go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: dropping the benchmark's databases and folders`);
    void disposeAll().finally(() => process.exit(130));
  });
}

const base: Sizes = options.quick ? quickSizes : fullSizes;
const sizes: Sizes = { ...base, repetitions: options.repetitions ?? base.repetitions };
const selected = workloads.filter((w) => !options.only || options.only.includes(w.id));
if (selected.length === 0)
  throw new Error(`no workload is numbered ${options.only?.join(', ') ?? ''}: 1 to 9`);

const allSystems = await loadSystems();
const unknown = (options.systems ?? []).filter((key) => !allSystems.some((s) => s.key === key));
if (unknown.length > 0) throw new Error(`unknown systems: ${unknown.join(', ')}`);
const systems = allSystems.filter((s) => !options.systems || options.systems.includes(s.key));
const withPostgres = systems.some((s) => s.store === 'postgres' && s.open);
if (withPostgres) {
  await assertPostgresReachable().catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

const machine = await describeMachine(withPostgres);
const results: WorkloadResult[] = [];
for (const workload of selected) {
  log(`${workload.id}. ${workload.title}`);
  const measured = await workload.run({ sizes, systems, log });
  for (const result of measured) process.stdout.write(`\n${workloadTable(result)}\n`);
  results.push(...measured);
}

await removeLeftovers();

// The machine may be shared (2 cores here): the load during the run says how much the figures could suffer.
machine['load average at end (1, 5, 15 min)'] = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(', ');

const filters = [
  options.only ? `workloads ${options.only.join(', ')}` : '',
  options.systems ? `systems ${options.systems.join(', ')}` : '',
  options.repetitions ? `${options.repetitions} repetitions` : '',
]
  .filter(Boolean)
  .join(', ');
const date = new Date().toISOString().slice(0, 10);
const report: RunReport = {
  date,
  mode: options.quick ? 'quick' : 'full',
  filters,
  machine,
  systems: systems.map((s) => ({
    key: s.key,
    system: s.system,
    store: s.store,
    measured: s.open !== undefined,
    ...(s.unavailable === undefined ? {} : { note: s.unavailable }),
  })),
  workloads: results,
};

// Only a full run of everything is a result to keep; anything else goes to --out or a temp folder.
const official = !options.quick && filters === '' && options.out === undefined;
const outDir = official
  ? path.join(repoRoot, 'bench/results')
  : (options.out ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'janus-bench-results-'))));
await fs.mkdir(outDir, { recursive: true });
const markdown = renderReport(report);
await fs.writeFile(path.join(outDir, `${date}.json`), `${JSON.stringify(report, null, 2)}\n`);
await fs.writeFile(path.join(outDir, `${date}.md`), markdown);
if (official) await fs.writeFile(path.join(repoRoot, 'bench/RESULTS.md'), markdown);
log(`\nResults: ${path.join(outDir, `${date}.json`)} and .md${official ? ', and bench/RESULTS.md' : ''}`);

const failed = results.flatMap((r) => r.figures).filter((f) => f.failed);
if (failed.length > 0) {
  log(
    `${failed.length} figure(s) failed: ${failed.map((f) => `${f.workload} ${f.system} ${f.store}`).join(', ')}`,
  );
  process.exitCode = 1;
}
