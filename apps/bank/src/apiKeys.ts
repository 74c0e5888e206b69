// The bank's roles, for the API keys of @janus/http: from BANK_API_KEYS, or made on first start and kept
// in <BANK_DATA_DIR>/api-keys.json. Nothing here reads the environment: main.ts passes the text in.
import {
  loadOrCreateKeyFile as loadOrCreateKeys,
  parseApiKeys as parseKeys,
  parseKeyFile as parseKeysOfFile,
  type ApiKey as Key,
  type ApiKeySet as KeySet,
  type Roles,
} from '@janus/http';

export { ApiKeysError, KEY_FILE, keyFingerprint, newKey, principalOf, principalsByKey } from '@janus/http';

/** `teller` (everything), `auditor` (every query, no command) or `customer:<customerId>` (its own accounts). */
export type BankRole = 'teller' | 'auditor' | `customer:${string}`;
export type ApiKey = Key<BankRole>;
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
};

/** Reads BANK_API_KEYS: comma-separated `key=role` pairs, e.g. `k1=teller,k2=auditor,k3=customer:alice`. */
export const parseApiKeys = (text: string): ApiKey[] => parseKeys(text, bankRoles);

/** The keys of a key file's text. */
export const parseKeyFile = (text: string, file: string): ApiKey[] => parseKeysOfFile(text, file, bankRoles);

/** The keys kept in `<dataDir>/api-keys.json`; on first start a random teller key and auditor key. */
export const loadOrCreateKeyFile = (dataDir: string): Promise<ApiKeySet> =>
  loadOrCreateKeys(dataDir, bankRoles);
