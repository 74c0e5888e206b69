// The shop service's entry point (`npm run start:shop`): the one place that reads the environment. It
// parses the configuration, starts the service and prints where it listens and which keys it accepts.
// SIGTERM or SIGINT shut it down gracefully.
import process from 'node:process';
import { ApiKeysError } from './apiKeys.js';
import { ConfigError, loadConfig } from './config.js';
import { startShop } from './http/startShop.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = loadConfig(process.env, process.cwd());
  const shop = await startShop(config, { exitOnSignal: true });
  // The first line is for people and for tools alike: `listening on <url>`.
  print(`Janus shop listening on ${shop.url}`);
  print(`Storage: ${shop.storage}`);
  if (shop.apiKeys.source === 'variable') {
    print(`API keys: ${shop.apiKeys.keys.length} from SHOP_API_KEYS`);
  } else {
    print(`API keys (${shop.apiKeys.created ? 'made now, kept' : 'kept'} in ${shop.apiKeys.file ?? ''}):`);
    for (const k of shop.apiKeys.keys) print(`  ${k.role.padEnd(8)} ${k.key}`);
    print('Send one as "Authorization: Bearer <key>".');
  }
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof ApiKeysError
      ? error.message
      : `cannot start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
