// The shop's roles, for the API keys of @janus/http: from SHOP_API_KEYS, or made on first start and kept
// in <SHOP_DATA_DIR>/api-keys.json. Nothing here reads the environment: main.ts passes the text in.
import {
  loadOrCreateKeyFile as loadOrCreateKeys,
  parseApiKeys as parseKeys,
  type ApiKey as Key,
  type ApiKeySet as KeySet,
  type KeyFileSet as FileSet,
  type Roles,
} from '@janus/service';

export { ApiKeysError, principalsByKey } from '@janus/service';

/** `admin` (the catalog and stock, every order) or `customer:<customerId>` (its own cart and orders). */
export type ShopRole = 'admin' | `customer:${string}`;
export type ApiKey = Key<ShopRole>;
export type KeyFileSet = FileSet<ShopRole>;
export type ApiKeySet = KeySet<ShopRole>;

const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The role a text names, or undefined. */
export function parseRole(text: string): ShopRole | undefined {
  if (text === 'admin') return text;
  if (text.startsWith('customer:') && CUSTOMER_ID.test(text.slice('customer:'.length)))
    return text as ShopRole;
  return undefined;
}

/** The customer a role acts for (`customer:alice` → `alice`), or undefined for admin. */
export function customerOfRole(role: string): string | undefined {
  return role.startsWith('customer:') ? role.slice('customer:'.length) : undefined;
}

export const shopRoles: Roles<ShopRole> = {
  parse: parseRole,
  hint: 'a role is admin or customer:<customerId> (customerId: 1-64 of A-Z a-z 0-9 _ -)',
  generated: ['admin'],
  variable: 'SHOP_API_KEYS',
  service: 'the Janus shop service',
  secretVariable: 'SHOP_KEY_SECRET',
};

/**
 * Requests per minute by role, the defaults of RATE_LIMIT_ADMIN and RATE_LIMIT_CUSTOMER: a customer's key
 * 10 a second, an admin's enough for a load test from one key.
 */
export const SHOP_RATE_LIMITS = { admin: 300_000, customer: 600 } as const;

/** Reads SHOP_API_KEYS: comma-separated `key=role` pairs, e.g. `k1=admin,k2=customer:alice`. */
export const parseApiKeys = (text: string): ApiKey[] => parseKeys(text, shopRoles);

/** The keys kept in `<dataDir>/api-keys.json`; on first start a random admin key. */
export const loadOrCreateKeyFile = (dataDir: string): Promise<KeyFileSet> =>
  loadOrCreateKeys(dataDir, shopRoles);
