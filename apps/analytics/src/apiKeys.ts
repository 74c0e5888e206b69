// The analytics service's roles, for the API keys of @janus/http: from ANALYTICS_API_KEYS, or made on
// first start and kept in <ANALYTICS_DATA_DIR>/api-keys.json. main.ts passes the environment's text in.
import {
  loadOrCreateKeyFile as loadOrCreateKeys,
  parseApiKeys as parseKeys,
  type ApiKey as Key,
  type ApiKeySet as KeySet,
  type KeyFileSet as FileSet,
  type Roles,
} from '@janus/service';

export { ApiKeysError, KEY_FILE, principalOf, principalsByKey } from '@janus/service';

/** `writer` (tracks events and profiles) or `reader` (queries). */
export type AnalyticsRole = 'writer' | 'reader';
export type ApiKey = Key<AnalyticsRole>;
export type KeyFileSet = FileSet<AnalyticsRole>;
export type ApiKeySet = KeySet<AnalyticsRole>;

export const analyticsRoles: Roles<AnalyticsRole> = {
  parse: (text) => (text === 'writer' || text === 'reader' ? text : undefined),
  hint: 'a role is writer or reader',
  generated: ['writer', 'reader'],
  variable: 'ANALYTICS_API_KEYS',
  service: 'the Janus analytics service',
  secretVariable: 'ANALYTICS_KEY_SECRET',
};

/**
 * Requests per minute by role, the defaults of RATE_LIMIT_WRITER and RATE_LIMIT_READER: writers ingest at
 * volume (a batch is one request), readers run dashboards.
 */
export const ANALYTICS_RATE_LIMITS = { writer: 300_000, reader: 6_000 } as const;

/** Reads ANALYTICS_API_KEYS: comma-separated `key=role` pairs, e.g. `k1=writer,k2=reader`. */
export const parseApiKeys = (text: string): ApiKey[] => parseKeys(text, analyticsRoles);

/** The keys kept in `<dataDir>/api-keys.json`; on first start a random writer key and reader key. */
export const loadOrCreateKeyFile = (dataDir: string): Promise<KeyFileSet> =>
  loadOrCreateKeys(dataDir, analyticsRoles);
