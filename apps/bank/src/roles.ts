// The bank's roles, for its API keys (BANK_API_KEYS, or made on first start in <BANK_DATA_DIR>/api-keys.json).
import type { Roles } from '@janus/service';

/** `teller` (everything), `auditor` (every query, no command) or `customer:<customerId>` (its own accounts). */
export type BankRole = 'teller' | 'auditor' | `customer:${string}`;

/** Like the contract's customerId: what may follow `customer:`. */
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The customer a role acts for (`customer:alice` → `alice`), or undefined for the staff roles. */
export function customerOfRole(role: string): string | undefined {
  return role.startsWith('customer:') ? role.slice('customer:'.length) : undefined;
}

/** The role a text names, or undefined. */
export function parseRole(text: string): BankRole | undefined {
  if (text === 'teller' || text === 'auditor') return text;
  return CUSTOMER_ID.test(customerOfRole(text) ?? '') ? (text as BankRole) : undefined;
}

export const bankRoles: Roles<BankRole> = {
  parse: parseRole,
  hint: 'a role is teller, auditor or customer:<customerId> (customerId: 1-64 of A-Z a-z 0-9 _ -)',
  generated: ['teller', 'auditor'],
  variable: 'BANK_API_KEYS',
  service: 'the Janus bank service',
  secretVariable: 'BANK_KEY_SECRET',
};
