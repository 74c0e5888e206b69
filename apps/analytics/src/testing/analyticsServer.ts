// The analytics service on a real port for the e2e tests, started by the same startAnalytics that main.ts
// calls, with a fetch helper. In the `analytics-on-postgres` test project (ANALYTICS_E2E_STORE=postgres)
// every server gets a fresh PostgreSQL database instead of a SQLite file.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@janus/test-support/testDatabase';
import { loadConfig, type ConfigVariables } from '../config.js';
import { startAnalytics, type RunningAnalytics, type StartAnalyticsOptions } from '../http/startAnalytics.js';

export const KEYS = { writer: 'test-writer-key', reader: 'test-reader-key' } as const;
export type Caller = keyof typeof KEYS;

export interface CallOptions {
  /** A test key by name, or null for no Authorization header. Default: writer for POST/PATCH, else reader. */
  readonly as?: Caller | null;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Answer>;

export function caller(url: string): Call {
  return async (method, urlPath, o = {}) => {
    const as = o.as === undefined ? (method === 'GET' ? 'reader' : 'writer') : o.as;
    const headers: Record<string, string> = {
      ...(as === null ? {} : { authorization: `Bearer ${KEYS[as]}` }),
      ...(o.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    };
    const response = await fetch(url + urlPath, {
      method,
      headers,
      ...(o.json === undefined ? {} : { body: JSON.stringify(o.json) }),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, text, body };
  };
}

export interface TestAnalytics {
  readonly analytics: RunningAnalytics;
  readonly call: Call;
  readonly onPostgres: boolean;
  close(): Promise<void>;
}

/** Starts the service on a free port over a fresh SQLite file (or PostgreSQL database, see above). */
export async function serveAnalytics(
  variables: ConfigVariables = {},
  options: Pick<StartAnalyticsOptions, 'logger'> = {},
): Promise<TestAnalytics> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'janus-analytics-e2e-'));
  const onPostgres = process.env.ANALYTICS_E2E_STORE === 'postgres' && variables.DATABASE_URL === undefined;
  const database = onPostgres ? await createTestDatabase('janus_analytics_e2e') : undefined;
  const config = loadConfig(
    {
      PORT: '0',
      ANALYTICS_DATA_DIR: dataDir,
      ANALYTICS_API_KEYS: `${KEYS.writer}=writer,${KEYS.reader}=reader`,
      LOG_LEVEL: 'silent',
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...variables,
    },
    process.cwd(),
  );
  const analytics = await startAnalytics(config, { processMetrics: false, ...options });
  return {
    analytics,
    call: caller(analytics.url),
    onPostgres,
    async close() {
      await analytics.close();
      await database?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `{ 'x-min-position': position }`: a query that reads its writes. */
export const after = (position: unknown): Record<string, string> => ({ 'x-min-position': String(position) });
