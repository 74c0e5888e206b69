// The real bank service (apps/bank/dist/main.js) as a child process, as `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { SubjectPlace } from './subject.js';
import { repoRoot } from './versions.js';

export const TELLER_KEY = 'bench-teller-key-0123456789';

/**
 * The bank limits requests per key: the benchmark sets its teller key's limit explicitly (the bank's
 * default, 5,000 requests a second, its throughput target) and the report says so. It is never turned
 * off: a run that meets it gets 429s, which fail the run like any answer that is not 2xx.
 */
export const TELLER_RATE_LIMIT_PER_MINUTE = 300_000;

export interface RunningBank {
  readonly url: string;
  /** Opens an account and answers its id. */
  openAccount(): Promise<string>;
  /** SIGTERM, then waits for the process to end. */
  stop(): Promise<void>;
}

/** Starts the bank on a free port over the place's folder (SQLite) or database (PostgreSQL). */
export async function startBank(store: 'sqlite' | 'postgres', place: SubjectPlace): Promise<RunningBank> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps/bank/dist/main.js')], {
    cwd: place.dir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      BANK_DATA_DIR: place.dir,
      BANK_API_KEYS: `${TELLER_KEY}=teller`,
      RATE_LIMIT_TELLER: String(TELLER_RATE_LIMIT_PER_MINUTE),
      LOG_LEVEL: 'warn',
      ...(store === 'postgres' ? { DATABASE_URL: place.pgUrl } : { DATABASE_URL: '' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child);
  return {
    url,
    async openAccount() {
      const response = await fetch(`${url}/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TELLER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'bench', type: 'checking', initialDeposit: '0' }),
      });
      const body = (await response.json()) as { accountId?: unknown };
      if (response.status !== 201 || typeof body.accountId !== 'string') {
        throw new Error(`opening an account answered ${response.status} ${JSON.stringify(body)}`);
      }
      return body.accountId;
    },
    stop: () => stop(child),
  };
}

/** The URL of the bank's first line, `Janus bank listening on <url>`; rejects if it ends first. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`the bank exited with ${code} before it listened: ${stderr.trim()}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}
