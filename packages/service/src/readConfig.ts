import type { Env, Service } from './defineService.js';
import { ConfigError, readServiceConfig, type ServiceConfig } from './serviceConfig.js';

/**
 * A service's configuration from its environment: what every service reads, then its own (`config`).
 * Throws one ConfigError listing every bad value.
 */
export function readConfig<R extends string, C>(
  service: Service<R, C>,
  env: Env,
  cwd: string,
): ServiceConfig<R> & C {
  const problems: string[] = [];
  const { prefix } = service.env;
  const common = readServiceConfig(
    env,
    cwd,
    {
      defaultPort: service.env.defaultPort,
      dataDirVariable: `${prefix}_DATA_DIR`,
      defaultDataDir: service.env.defaultDataDir,
      roles: service.roles,
      rateLimits: service.rateLimits,
      idempotencyTtlVariable: `${prefix}_IDEMPOTENCY_TTL_HOURS`,
      readDatabase: service.env.readDatabase === true,
    },
    problems,
  );
  const own = service.config?.(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...common, ...(own as C) };
}
