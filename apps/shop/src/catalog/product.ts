// A product of the catalog: its name, its price and an optional emoji. Its stock lives apart, in the
// inventory stream (inventory.ts), so that reservations never conflict with price changes.
import {
  assertNever,
  command,
  decider,
  event,
  fail,
  returns,
  type EventOf,
  type MessageOf,
} from '@janus/core';
import { Cents, SafeText } from '@janus/money';
import { z } from 'zod';
import { Instant, ProductId, commandTime } from '../fields.js';

export const ProductName = SafeText.trim().min(1, 'is required').max(200);
export const Emoji = SafeText.min(1).max(16);

export const ProductAdded = event(
  'shop.ProductAdded.v1',
  z.object({ productId: ProductId, name: ProductName, price: Cents, emoji: Emoji.nullable(), at: Instant }),
);
export const ProductPriceChanged = event(
  'shop.ProductPriceChanged.v1',
  z.object({ productId: ProductId, price: Cents, previousPrice: Cents, at: Instant }),
);
export type ProductEvent = EventOf<typeof ProductAdded | typeof ProductPriceChanged>;

export interface Positioned {
  /** Global log position of the command's last event: a query can wait for it (read your writes). */
  readonly position: bigint;
}

export const AddProduct = command(
  'shop.AddProduct',
  z.object({ productId: ProductId, name: ProductName, price: Cents, emoji: Emoji.optional() }),
  returns<{ readonly productId: string } & Positioned>(),
);
export const ChangePrice = command(
  'shop.ChangePrice',
  z.object({ productId: ProductId, price: Cents }),
  returns<Positioned>(),
);
export type ProductCommand = MessageOf<typeof AddProduct | typeof ChangePrice>;

export type Product =
  | { readonly status: 'none' }
  | {
      readonly status: 'listed';
      readonly productId: string;
      readonly name: string;
      readonly price: bigint;
      readonly emoji: string | null;
    };

export const productNotFound = (productId: string) =>
  fail('not-found', { message: `product '${productId}' does not exist` });

export const product = decider<Product, ProductCommand, ProductEvent>({
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'shop.AddProduct': {
        const { productId, name, price, emoji } = command.data;
        if (state.status !== 'none') {
          return fail('product-exists', { message: `product '${productId}' exists already` });
        }
        return [
          ProductAdded({ productId, name, price, emoji: emoji ?? null, at: commandTime(command.metadata) }),
        ];
      }
      case 'shop.ChangePrice': {
        const { productId, price } = command.data;
        if (state.status === 'none') return productNotFound(productId);
        if (state.price === price) return [];
        return [
          ProductPriceChanged({
            productId,
            price,
            previousPrice: state.price,
            at: commandTime(command.metadata),
          }),
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'shop.ProductAdded.v1': {
        const { productId, name, price, emoji } = event.data;
        return { status: 'listed', productId, name, price, emoji };
      }
      case 'shop.ProductPriceChanged.v1':
        return state.status === 'listed' ? { ...state, price: event.data.price } : state;
      default:
        return assertNever(event);
    }
  },
});
