// The shop's roles, for its API keys (SHOP_API_KEYS, or made on first start in <SHOP_DATA_DIR>/api-keys.json).
import type { Roles } from '@janus/service';

/** `admin` (the catalog and stock, every order) or `customer:<customerId>` (its own cart and orders). */
export type ShopRole = 'admin' | `customer:${string}`;

const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The customer a role acts for (`customer:alice` → `alice`), or undefined for admin. */
export function customerOfRole(role: string): string | undefined {
  return role.startsWith('customer:') ? role.slice('customer:'.length) : undefined;
}

export const shopRoles: Roles<ShopRole> = {
  parse: (text) =>
    text === 'admin' || (text.startsWith('customer:') && CUSTOMER_ID.test(customerOfRole(text) ?? ''))
      ? (text as ShopRole)
      : undefined,
  hint: 'a role is admin or customer:<customerId> (customerId: 1-64 of A-Z a-z 0-9 _ -)',
  generated: ['admin'],
  variable: 'SHOP_API_KEYS',
  service: 'the Janus shop service',
  secretVariable: 'SHOP_KEY_SECRET',
};
