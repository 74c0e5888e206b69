// A service's dist/main.js as a child process, for crash tests: optionally armed to SIGKILL itself at a
// named fault point (core's faultPoint; the hook is core's testing/killAtFaultPoint module, loaded with
// `node --import`, so the fault comes from the test side).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const KILL_HOOK = path.resolve(import.meta.dirname, '../../../core/dist/testing/killAtFaultPoint.js');

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Where it listens: `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly output: () => string;
  /** Resolves with the signal (or exit code) it ended with. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

export interface ServiceProcessOptions {
  /** The built entry point (apps/<app>/dist/main.js). */
  readonly main: string;
  /** Exactly these variables (and PATH): nothing of the test process leaks in. */
  readonly env: Readonly<Record<string, string>>;
  /** The fault point at which the process kills itself. */
  readonly killAt?: string;
  /** The line that says where it listens; its first group is the URL. */
  readonly listening: RegExp;
}

/** Starts the service; resolves once it printed where it listens. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  for (const file of [options.main, KILL_HOOK]) {
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
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal ?? code);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line within 20 s: ${output}`));
    }, 20_000);
    const check = () => {
      const match = options.listening.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((end) => {
      clearTimeout(timer);
      reject(new Error(`the service ended (${String(end)}) before listening: ${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
