// The shop as a child process (`node apps/shop/dist/main.js`, as `npm run start:shop` runs it), for the
// tests of what only a real process shows: SIGKILL (also at a named fault point), SIGTERM, the exit code.
// The process itself is @janus/http's test helper; this adds the shop's entry point, start-up line and keys.
import path from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@janus/test-support/serviceProcess';
import { SHOP_API_KEYS } from './shopServer.js';

export { killServiceProcesses } from '@janus/test-support/serviceProcess';

export const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');

/**
 * Starts the shop over `dataDir` on a free port (on `databaseUrl` if given), with the test keys
 * (SHOP_API_KEYS); killing itself at `killAt` if given. Resolves once it printed where it listens.
 */
export function startShopProcess(
  dataDir: string,
  options: { readonly databaseUrl?: string | undefined; readonly killAt?: string } = {},
): Promise<ServiceProcess> {
  return startServiceProcess({
    main: MAIN,
    env: {
      SHOP_DATA_DIR: dataDir,
      SHOP_API_KEYS,
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
    },
    listening: /^Janus shop listening on (http:\/\/\S+)$/m,
    ...(options.killAt === undefined ? {} : { killAt: options.killAt }),
  });
}
