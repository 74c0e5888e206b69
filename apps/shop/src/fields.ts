// The fields every feature of the shop shares: ids, quantities, instants.
import { z } from 'zod';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const idOf = (what: string) => z.string().regex(ID, `${what} is 1 to 64 characters of A-Z, a-z, 0-9, _ or -`);

export const ProductId = idOf('a product id');
export const CustomerId = idOf('a customer id');
export const OrderId = idOf('an order id');

/** How many units: a whole number from 1 to 10000. */
export const Quantity = z.number().int('must be a whole number').min(1).max(10_000);

/** A stock addition may be larger than one order line. */
export const StockQuantity = z.number().int('must be a whole number').min(1).max(1_000_000);

/** An ISO 8601 instant. */
export const Instant = z.iso.datetime({ offset: true });

/** One line of an order or a cart: a product and how many. */
export const Item = z.strictObject({ productId: ProductId, quantity: Quantity });
export type Item = z.infer<typeof Item>;

/** 1 to 50 items, each product at most once. */
export const Items = z
  .array(Item)
  .min(1, 'needs at least one item')
  .max(50, 'has at most 50 items')
  .refine(
    (items) => new Set(items.map((i) => i.productId)).size === items.length,
    'names each product at most once',
  );

export const productStream = (productId: string) => `shop-product-${productId}`;
export const inventoryStream = (productId: string) => `shop-inventory-${productId}`;
export const cartStream = (customerId: string) => `shop-cart-${customerId}`;
export const orderStream = (orderId: string) => `shop-order-${orderId}`;

/** The command's time, from its metadata (never the clock), as ISO 8601 UTC. */
export function commandTime(metadata: { readonly timestamp: string }): string {
  const ms = Date.parse(metadata.timestamp);
  if (Number.isNaN(ms)) throw new TypeError(`command timestamp '${metadata.timestamp}' is not an instant`);
  return new Date(ms).toISOString();
}
