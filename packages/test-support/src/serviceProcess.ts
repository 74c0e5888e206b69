// A service's dist/main.js as a child process, for the tests of what only a real process shows: SIGKILL
// (also at a named fault point), SIGTERM and SIGINT, the exit code, what it prints. Every service's process
// tests start it through here. A fault point is core's faultPoint; the hook that kills the process there is
// core's testing/killAtFaultPoint module, loaded with `node --import`, so the fault comes from the test side.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const KILL_HOOK = path.resolve(import.meta.dirname, '../../core/dist/testing/killAtFaultPoint.js');

/** The built child process of @janus/http's graceful-shutdown test (src/gracefulServer.ts), from src/ and dist/ alike. */
export const GRACEFUL_SERVER = path.resolve(import.meta.dirname, '../dist/gracefulServer.js');

/** How a process ended: an exit code, or the signal that ended it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** What it printed so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** How it ended; by then all it printed is in stdout() and stderr(). */
  readonly exited: Promise<Exit>;
}

export interface ServiceProcess extends RunningProcess {
  /** Where it listens: `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** SIGKILL (unless it already ended), and wait for the exit. */
  readonly kill: () => Promise<Exit>;
  /** `signal` (default SIGTERM), and wait for the exit. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<Exit>;
}

export interface RunOptions {
  /** The built entry point (apps/<app>/dist/main.js). */
  readonly main: string;
  /** Exactly these variables (and PATH): nothing of the test process leaks in. */
  readonly env: Readonly<Record<string, string>>;
  /** The fault point at which the process kills itself. */
  readonly killAt?: string;
}

export interface ServiceProcessOptions extends RunOptions {
  /** The line that says where it listens; its first group is the URL. */
  readonly listening: RegExp;
  /** What it prints after that line before it counts as started (its key lines, say). */
  readonly startedWhen?: RegExp;
  /** How long it may take to start. Default 20 s. */
  readonly timeoutMs?: number;
}

/** Every process started here, so that an afterAll can kill what a failed test left running. */
const children = new Set<ChildProcess>();

/** SIGKILL for every process started here that still runs (for an afterAll). */
export function killServiceProcesses(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** How `child` ended, once it has and its output is all read (for a child spawned with piped stdio). */
const closeOf = (child: ChildProcess): Promise<Exit> =>
  new Promise((resolve) => {
    child.once('close', (code, signal) => {
      resolve({ code, signal });
    });
  });

/** Runs the entry point, without waiting for anything (a start that must fail, say). */
export function runServiceProcess(options: RunOptions): RunningProcess {
  const files = options.killAt === undefined ? [options.main] : [options.main, KILL_HOOK];
  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: build first (npx tsc -b; npm test does)`);
  }
  const args = options.killAt === undefined ? [options.main] : ['--import', KILL_HOOK, options.main];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      ...options.env,
      ...(options.killAt === undefined ? {} : { JANUS_KILL_AT: options.killAt }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr, exited: closeOf(child) };
}

/** Starts the service; resolves once it printed where it listens (and `startedWhen`, if given). */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const running = runServiceProcess(options);
  const { child, stdout, stderr, exited } = running;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not started within ${timeoutMs} ms: ${stdout()} ${stderr()}`));
    }, timeoutMs);
    const check = () => {
      const match = options.listening.exec(stdout());
      if (match?.[1] && (options.startedWhen?.test(stdout()) ?? true)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the service ended (${code ?? signal}) before it started: ${stdout()} ${stderr()}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { ...running, url, port: Number(new URL(url).port), kill: () => stop('SIGKILL'), stop };
}
