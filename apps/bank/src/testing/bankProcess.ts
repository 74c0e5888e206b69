// The bank as a child process (`node apps/bank/dist/main.js`, as `npm start` runs it), for the tests of
// what only a real process shows: SIGKILL, SIGTERM and SIGINT, the exit code, what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface BankProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /**
   * Its keys by role: those of BANK_API_KEYS, else those of <dataDir>/api-keys.json (a restart does not
   * print them again).
   */
  readonly keys: Readonly<Record<string, string>>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<Exit>;
}

/** Every child started here, so that an afterAll can kill what a failed test left running. */
export const children = new Set<ChildProcess>();

/** SIGKILL for every child still running. */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Runs main.js with exactly these variables (none of the test process's own bank settings leak in). */
export function runBank(variables: Record<string, string>): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b; npm test does)`);
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...variables },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

export const exitOf = (child: ChildProcess): Promise<Exit> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });

/**
 * Starts the service over `dataDir` on a free port (on `databaseUrl` if given); resolves once it printed
 * where it listens and its keys.
 */
export async function startBankProcess(
  dataDir: string,
  options: { readonly databaseUrl?: string | undefined; readonly variables?: Record<string, string> } = {},
): Promise<BankProcess> {
  const { child, stdout, stderr } = runBank({
    BANK_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
    ...options.variables,
  });
  const exited = exitOf(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no "listening on" line within 15 s: ${stdout()} ${stderr()}`));
    }, 15_000);
    const check = () => {
      const match = /^Janus bank listening on (http:\/\/\S+)$/m.exec(stdout());
      // The key lines follow the address (the keys themselves only on the start that made them).
      if (match?.[1] && /^(Send one as|API keys: )/m.test(stdout())) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code ?? signal}) before listening: ${stderr()}`));
    });
  });
  const keys = keysOf(dataDir, options.variables?.BANK_API_KEYS);
  return { child, url, port: Number(new URL(url).port), keys, stdout, stderr, exited };
}

/** The keys by role: from BANK_API_KEYS (`key=role,...`) when set, else from the key file the bank keeps. */
function keysOf(dataDir: string, variable: string | undefined): Record<string, string> {
  const pairs: [string, string][] =
    variable === undefined
      ? (
          JSON.parse(fs.readFileSync(path.join(dataDir, 'api-keys.json'), 'utf8')) as {
            keys: { key: string; role: string }[];
          }
        ).keys.map(({ key, role }) => [role, key])
      : variable.split(',').map((pair) => {
          const [key = '', role = ''] = pair.trim().split('=');
          return [role, key];
        });
  return Object.fromEntries(pairs);
}
