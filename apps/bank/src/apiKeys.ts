// The bank's roles, for the API keys of @janus/http: from BANK_API_KEYS, or made on first start and kept
// in <BANK_DATA_DIR>/api-keys.json. Nothing here reads the environment: main.ts passes the text in.
import {
  loadOrCreateKeyFile as loadOrCreateKeys,
  parseApiKeys as parseKeys,
  parseKeyFile as parseKeysOfFile,
  type ApiKey as Key,
  type ApiKeySet as KeySet,
  type KeyFileSet as FileSet,
  type Roles,
} from '@janus/service';

export { ApiKeysError, KEY_FILE, keyFingerprint, newKey, principalOf, principalsByKey } from '@janus/service';

/** `teller` (everything), `auditor` (every query, no command) or `customer:<customerId>` (its own accounts). */
export type BankRole = 'teller' | 'auditor' | `customer:${string}`;
export type ApiKey = Key<BankRole>;
export type KeyFileSet = FileSet<BankRole>;
export type ApiKeySet = KeySet<BankRole>;

/** Like the contract's customerId: what may follow `customer:`. */
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The role a text names, or undefined. */
export function parseRole(text: string): BankRole | undefined {
  if (text === 'teller' || text === 'auditor') return text;
  if (text.startsWith('customer:') && CUSTOMER_ID.test(text.slice('customer:'.length))) {
    return text as BankRole;
  }
  return undefined;
}

/** The customer a role acts for (`customer:alice` → `alice`), or undefined for the staff roles. */
export function customerOfRole(role: string): string | undefined {
  return role.startsWith('customer:') ? role.slice('customer:'.length) : undefined;
}

export const bankRoles: Roles<BankRole> = {
  parse: parseRole,
  hint: 'a role is teller, auditor or customer:<customerId> (customerId: 1-64 of A-Z a-z 0-9 _ -)',
  generated: ['teller', 'auditor'],
  variable: 'BANK_API_KEYS',
  service: 'the Janus bank service',
  secretVariable: 'BANK_KEY_SECRET',
};

/**
 * Requests per minute by role, the defaults of RATE_LIMIT_TELLER, _AUDITOR and _CUSTOMER: a customer's key
 * the tightest (10 a second), an auditor's enough for reports, a teller's enough for a load test of the
 * whole bank from one key (5,000 a second, the bank's throughput target).
 */
export const BANK_RATE_LIMITS = { teller: 300_000, auditor: 6_000, customer: 600 } as const;

/** Reads BANK_API_KEYS: comma-separated `key=role` pairs, e.g. `k1=teller,k2=auditor,k3=customer:alice`. */
export const parseApiKeys = (text: string): ApiKey[] => parseKeys(text, bankRoles);

/** The keys of a key file's text. */
export const parseKeyFile = (text: string, file: string): ApiKey[] => parseKeysOfFile(text, file, bankRoles);

/** The keys kept in `<dataDir>/api-keys.json`; on first start a random teller key and auditor key. */
export const loadOrCreateKeyFile = (dataDir: string): Promise<KeyFileSet> =>
  loadOrCreateKeys(dataDir, bankRoles);
