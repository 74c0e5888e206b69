import { loadStream, query, returns, type EventStore } from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { loadProduct } from '../catalog/catalogHandlers.js';
import { cartStream } from '../fields.js';
import { cart } from './cart.js';

export interface CartLineView {
  readonly productId: string;
  readonly name: string;
  readonly emoji: string | null;
  readonly quantity: number;
  readonly unitPrice: string;
  readonly lineTotal: string;
}

export interface CartView {
  readonly customerId: string;
  readonly items: readonly CartLineView[];
  readonly total: string;
}

export const GetCart = query('shop.GetCart', z.object({ customerId: z.string() }), returns<CartView>());

/**
 * A customer's cart (empty when it never had anything), priced from the catalog as it is now. Both the
 * cart and the prices are read from their streams, so the answer is never behind a write.
 */
export async function getCart(store: EventStore, customerId: string): Promise<CartView> {
  const { state } = await loadStream(store, cart, cartStream(customerId));
  let total = 0n;
  const items = await Promise.all(
    state.items.map(async ({ productId, quantity }) => {
      const product = await loadProduct(store, productId);
      const unitPrice = product?.price ?? 0n;
      const lineTotal = unitPrice * BigInt(quantity);
      total += lineTotal;
      return {
        productId,
        name: product?.name ?? '',
        emoji: product?.emoji ?? null,
        quantity,
        unitPrice: formatMoney(unitPrice),
        lineTotal: formatMoney(lineTotal),
      };
    }),
  );
  return { customerId, items, total: formatMoney(total) };
}
