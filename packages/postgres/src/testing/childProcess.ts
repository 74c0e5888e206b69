// The test side of the worker processes: start a compiled fixture, follow the lines it prints, kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** packages/postgres/dist/testing: the workers run compiled, and import @janus/core from its dist too. */
const distTesting = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/testing');

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves when the child printed 'ready'; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every line it printed on stdout so far. */
  readonly lines: string[];
  /** Calls `listener` with each line it prints from now on; returns the way to stop. */
  onLine(listener: (line: string) => void): () => void;
  stderr(): string;
}

/** Starts `dist/testing/<script>.js args`; `name` tells it apart in messages. */
export function startChild(script: string, args: readonly string[], name = script): Child {
  const file = path.join(distTesting, `${script}.js`);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: build first (npx tsc -b packages/postgres; npm test does)`);
  }
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const listener of [...listeners]) listener(line);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    const check = (line: string) => {
      if (line === 'ready') resolve();
    };
    listeners.add(check);
    void exited.then(({ code, signal }) => {
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });
  ready.catch(() => undefined); // a caller that kills it before it is ready does not wait for this
  return {
    name,
    process: child,
    ready,
    exited,
    lines,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stderr: () => stderr,
  };
}

/** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
export async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  await child.exited;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random whole number in [min, max]. */
export const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
