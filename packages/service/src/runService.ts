// A service's main.ts in one call: start it from process.env, print the banner, exit on signals; a bad
// configuration or a start that fails is a message on stderr and exit code 1.
import process from 'node:process';
import { ApiKeysError } from './apiKeys.js';
import type { Env, RunningService, Service } from './defineService.js';
import { keyBanner } from './keyBanner.js';
import { ConfigError } from './serviceConfig.js';
import { startService } from './startService.js';

/** What a service prints once it listens: the first line is for people and tools alike (`listening on <url>`). */
export function serviceBanner<R extends string, C>(
  service: Service<R, C>,
  running: RunningService<R, C>,
): string[] {
  return [
    `Janus ${service.name} listening on ${running.url}`,
    ...(service.banner?.(running.url) ?? []),
    `Storage: ${running.storage}`,
    ...keyBanner(running.apiKeys, service.roles.variable),
  ];
}

/** Runs a service until SIGTERM or SIGINT (graceful shutdown, then exit). For main.ts: `await runService(service, process.env)`. */
export async function runService<R extends string, C>(
  service: Service<R, C>,
  env: Env,
): Promise<RunningService<R, C> | undefined> {
  try {
    const running = await startService(service, { env, exitOnSignal: true });
    // One write, after the (synchronous) logger's lines: the banner never lands among them.
    process.stdout.write(`${serviceBanner(service, running).join('\n')}\n`);
    return running;
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof ApiKeysError
        ? error.message
        : `cannot start: ${String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}
