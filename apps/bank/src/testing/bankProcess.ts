// The bank as a child process (`node apps/bank/dist/main.js`, as `npm start` runs it), for the tests of
// what only a real process shows: SIGKILL, SIGTERM and SIGINT, the exit code, what it prints. The process
// itself is @janus/http's test helper; this adds what is the bank's: its entry point, its start-up lines
// and where its keys are.
import fs from 'node:fs';
import path from 'node:path';
import {
  runServiceProcess,
  startServiceProcess,
  type RunningProcess,
  type ServiceProcess,
} from '@janus/test-support/serviceProcess';

export { killServiceProcesses as killChildren } from '@janus/test-support/serviceProcess';

export const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');

export interface BankProcess extends ServiceProcess {
  /**
   * Its keys by role: those of BANK_API_KEYS, else those of <dataDir>/api-keys.json (a restart does not
   * print them again).
   */
  readonly keys: Readonly<Record<string, string>>;
}

export interface BankProcessOptions {
  /** Events (and read models) in this PostgreSQL database instead of SQLite. */
  readonly databaseUrl?: string | undefined;
  /** More variables (BANK_API_KEYS, the fraud limits, ...). */
  readonly variables?: Readonly<Record<string, string>>;
  /** The fault point at which the process kills itself (see serviceProcess.ts). */
  readonly killAt?: string;
}

/** Runs main.js with exactly these variables (none of the test process's own bank settings leak in). */
export const runBank = (variables: Readonly<Record<string, string>>): RunningProcess =>
  runServiceProcess({ main: MAIN, env: variables });

/**
 * Starts the service over `dataDir` on a free port (on `databaseUrl` if given); resolves once it printed
 * where it listens and its key lines.
 */
export async function startBankProcess(
  dataDir: string,
  options: BankProcessOptions = {},
): Promise<BankProcess> {
  const service = await startServiceProcess({
    main: MAIN,
    env: {
      BANK_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
      ...options.variables,
    },
    listening: /^Janus bank listening on (http:\/\/\S+)$/m,
    // The key lines follow the address (the keys themselves only on the start that made them).
    startedWhen: /^(Send one as|API keys: )/m,
    ...(options.killAt === undefined ? {} : { killAt: options.killAt }),
  });
  return { ...service, keys: keysOf(dataDir, options.variables?.BANK_API_KEYS) };
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
