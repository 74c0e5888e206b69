// The analytics service's entry point (`npm run start:analytics`): the one place that reads the
// environment. SIGTERM or SIGINT shut it down gracefully.
import process from 'node:process';
import type { ApiKeySet } from './apiKeys.js';
import { ConfigError, loadConfig } from './config.js';
import { startAnalytics } from './http/startAnalytics.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

function describeKeys(keys: ApiKeySet): string[] {
  if (keys.source === 'variable') {
    return [
      `API keys: ${keys.keys.length} from ANALYTICS_API_KEYS (${keys.keys.map((k) => k.role).join(', ')})`,
    ];
  }
  return [
    `API keys (${keys.created ? 'made now, kept' : 'kept'} in ${keys.file ?? 'the key file'}):`,
    ...keys.keys.map((k) => `  ${k.role.padEnd(8)} ${k.key}`),
    'Send one as "Authorization: Bearer <key>".',
  ];
}

try {
  const config = loadConfig(process.env, process.cwd());
  const analytics = await startAnalytics(config, { exitOnSignal: true });
  print(`Janus analytics listening on ${analytics.url}`);
  print(`Storage: ${analytics.storage}`);
  for (const line of describeKeys(analytics.apiKeys)) print(line);
} catch (error) {
  const message = error instanceof ConfigError ? error.message : `cannot start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
