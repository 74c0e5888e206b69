// The bank service's entry point (`npm start`): the one place that reads the environment. It parses the
// configuration, starts the service and prints where it listens and which keys it accepts. SIGTERM or
// SIGINT shut it down gracefully.
import process from 'node:process';
import { keyBanner } from '@janus/service';
import { ApiKeysError } from './apiKeys.js';
import { ConfigError, loadConfig } from './config.js';
import { startBank } from './http/startBank.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = loadConfig(process.env, process.cwd());
  const bank = await startBank(config, { exitOnSignal: true });
  // The first line is for people and for tools alike: `listening on <url>`.
  print(`Janus bank listening on ${bank.url}`);
  print(`Web UI: ${bank.url}/ (sign in with one of the API keys)`);
  print(`Admin console: ${bank.url}/admin/ (tellers)`);
  print(`Storage: ${bank.storage}`);
  for (const line of keyBanner(bank.apiKeys, 'BANK_API_KEYS')) print(line);
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof ApiKeysError
      ? error.message
      : `cannot start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
