// The analytics service's entry point (`npm run start:analytics`): the one place that reads the
// environment. SIGTERM or SIGINT shut it down gracefully.
import process from 'node:process';
import { keyBanner } from '@janus/service';
import { ApiKeysError } from './apiKeys.js';
import { ConfigError, loadConfig } from './config.js';
import { startAnalytics } from './http/startAnalytics.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = loadConfig(process.env, process.cwd());
  const analytics = await startAnalytics(config, { exitOnSignal: true });
  print(`Janus analytics listening on ${analytics.url}`);
  print(`Storage: ${analytics.storage}`);
  for (const line of keyBanner(analytics.apiKeys, 'ANALYTICS_API_KEYS')) print(line);
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof ApiKeysError
      ? error.message
      : `cannot start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
