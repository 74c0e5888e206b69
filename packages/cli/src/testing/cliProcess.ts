import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built command: tests run the real `janus`, as an operator would (`tsc -b` builds it first). */
export const cliPath = path.resolve(import.meta.dirname, '../../dist/main.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `janus` child process, with its output so far. */
export class CliProcess {
  static readonly #running = new Set<CliProcess>();

  /** Kills what a failed test left running (for afterEach). */
  static killAll(): void {
    for (const cli of CliProcess.#running) cli.child.kill('SIGKILL');
  }

  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  readonly #listeners = new Set<() => void>();

  constructor(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}) {
    if (!fs.existsSync(cliPath))
      throw new Error(`${cliPath} is missing: build first (npx tsc -b packages/cli)`);
    const { JANUS_DEBUG: _debug, ...inherited } = process.env;
    this.child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const listener of [...this.#listeners]) listener();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    CliProcess.#running.add(this);
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        CliProcess.#running.delete(this);
        for (const listener of [...this.#listeners]) listener();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves once stdout satisfies `done`; rejects after `timeoutMs` or when the process ends first. */
  waitForOutput(done: (stdout: string) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done(this.stdout)) {
          finish();
          resolve();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish();
          reject(new Error(`janus ended before the expected output:\n${this.stdout}\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no expected output within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }
}

/** Runs `janus args` to its end. */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliResult> {
  return new CliProcess(args, env).exited;
}
