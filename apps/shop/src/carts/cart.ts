// A customer's cart: one stream per customer. Checking out (placing an order from it) empties it, in the
// same atomic append as the order's first event.
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
import { z } from 'zod';
import type { Positioned } from '../catalog/product.js';
import { CustomerId, Instant, OrderId, ProductId, Quantity, commandTime, type Item } from '../fields.js';

const Line = { customerId: CustomerId, productId: ProductId };

export const CartItemAdded = event(
  'shop.CartItemAdded.v1',
  z.object({ ...Line, quantity: Quantity, at: Instant }),
);
export const CartItemQuantityChanged = event(
  'shop.CartItemQuantityChanged.v1',
  z.object({ ...Line, quantity: Quantity, at: Instant }),
);
export const CartItemRemoved = event('shop.CartItemRemoved.v1', z.object({ ...Line, at: Instant }));
export const CartCheckedOut = event(
  'shop.CartCheckedOut.v1',
  z.object({ customerId: CustomerId, orderId: OrderId, at: Instant }),
);
export type CartEvent = EventOf<
  typeof CartItemAdded | typeof CartItemQuantityChanged | typeof CartItemRemoved | typeof CartCheckedOut
>;
export const cartEvents = [CartItemAdded, CartItemQuantityChanged, CartItemRemoved, CartCheckedOut] as const;

export const AddCartItem = command(
  'shop.AddCartItem',
  z.object({ ...Line, quantity: Quantity }),
  returns<Positioned>(),
);
export const ChangeCartItemQuantity = command(
  'shop.ChangeCartItemQuantity',
  z.object({ ...Line, quantity: Quantity }),
  returns<Positioned>(),
);
export const RemoveCartItem = command('shop.RemoveCartItem', z.object(Line), returns<Positioned>());
export type CartCommand = MessageOf<
  typeof AddCartItem | typeof ChangeCartItemQuantity | typeof RemoveCartItem
>;

/** The cart: its lines in the order they were first added. */
export interface Cart {
  readonly items: readonly Item[];
}

/** Adding a product already in the cart adds to its quantity, up to this many. */
export const MAX_LINE_QUANTITY = 10_000;

const notInCart = (productId: string) =>
  fail('not-found', { message: `product '${productId}' is not in the cart` });

export const cart = decider<Cart, CartCommand, CartEvent>({
  initialState: () => ({ items: [] }),

  decide(command, state) {
    const { customerId, productId } = command.data;
    const at = commandTime(command.metadata);
    const line = state.items.find((i) => i.productId === productId);
    switch (command.type) {
      case 'shop.AddCartItem': {
        const quantity = (line?.quantity ?? 0) + command.data.quantity;
        if (quantity > MAX_LINE_QUANTITY) {
          return fail('quantity-too-large', {
            message: `a cart holds at most ${MAX_LINE_QUANTITY} of one product`,
          });
        }
        return line
          ? [CartItemQuantityChanged({ customerId, productId, quantity, at })]
          : [CartItemAdded({ customerId, productId, quantity, at })];
      }
      case 'shop.ChangeCartItemQuantity':
        if (!line) return notInCart(productId);
        if (line.quantity === command.data.quantity) return [];
        return [CartItemQuantityChanged({ customerId, productId, quantity: command.data.quantity, at })];
      case 'shop.RemoveCartItem':
        if (!line) return notInCart(productId);
        return [CartItemRemoved({ customerId, productId, at })];
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'shop.CartItemAdded.v1':
        return {
          items: [...state.items, { productId: event.data.productId, quantity: event.data.quantity }],
        };
      case 'shop.CartItemQuantityChanged.v1':
        return {
          items: state.items.map((i) =>
            i.productId === event.data.productId ? { ...i, quantity: event.data.quantity } : i,
          ),
        };
      case 'shop.CartItemRemoved.v1':
        return { items: state.items.filter((i) => i.productId !== event.data.productId) };
      case 'shop.CartCheckedOut.v1':
        return { items: [] };
      default:
        return assertNever(event);
    }
  },
});
