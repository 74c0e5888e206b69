// The shop service's entry point (`npm run start:shop`): the one place that reads the environment. It
// parses the configuration, starts the service and prints where it listens and which keys it accepts.
// SIGTERM or SIGINT shut it down gracefully.
import process from 'node:process';
import { keyBanner } from '@janus/service';
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
  for (const line of keyBanner(shop.apiKeys, 'SHOP_API_KEYS')) print(line);
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof ApiKeysError
      ? error.message
      : `cannot start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
