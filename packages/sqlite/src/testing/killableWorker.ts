// The test side of the child-process fixtures: start a compiled worker, wait until it says 'ready', kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** packages/sqlite/dist/testing: the workers run compiled, and import @janus/core from its dist too. */
const distTesting = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/testing');

/** Workers started and not yet gone: `killAll` ends them when a test fails half-way. */
const running = new Set<Worker>();

export interface Worker {
  readonly child: ChildProcess;
  /** Resolves when the worker printed 'ready'; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** Starts `dist/testing/<name>.js` with `args`. Fails clearly when the fixtures were not compiled. */
export function startWorker(name: string, args: readonly string[]): Worker {
  const script = path.join(distTesting, `${name}.js`);
  if (!fs.existsSync(script)) {
    throw new Error(`${script} is missing: build first (npx tsc -b packages/sqlite; npm test does)`);
  }
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
    void exited.then(({ code, signal }) => {
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
  ready.catch(() => undefined); // a caller that kills it before it is ready does not wait for this
  const worker: Worker = { child, ready, exited, stderr: () => stderr };
  running.add(worker);
  void exited.then(() => running.delete(worker));
  return worker;
}

/** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
export async function killHard(worker: Worker): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

/** Kills every worker still running (for afterEach: a failed test must not leave processes behind). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map(killHard));
}

/** Waits for the worker to exit by itself; past `timeoutMs` kills it and fails with what it wrote to stderr. */
export async function exitCode(worker: Worker, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, timeoutMs);
  });
  const outcome = await Promise.race([worker.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    await killHard(worker);
    throw new Error(`the worker did not finish within ${timeoutMs} ms: ${worker.stderr()}`);
  }
  if (outcome.code !== 0)
    throw new Error(`the worker exited with ${outcome.code ?? outcome.signal}: ${worker.stderr()}`);
  return outcome.code;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random integer in [min, max]: a delay in ms, an account, an amount. */
export const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
