import { fail, isRejection, multiStreamDecider, rejectionIn, type MessageOf } from '@janus/core';
import { CartCheckedOut, cart } from '../carts/cart.js';
import { cartStream, commandTime, orderStream, type Item } from '../fields.js';
import { order, type OrderLine, type RecordOrder } from './order.js';

/** The cart moved after its items were priced: the handler prices it again. */
export const CART_CHANGED = 'cart-changed';

/**
 * Placing an order as a decision over the order's stream and, for an order from the cart, the cart's:
 * the order records its priced lines, and the cart is checked out in the same atomic append, both streams
 * at the versions read. The lines were priced from the cart as it was read before; a cart that holds
 * other items now is refused with `cart-changed` (nothing recorded), for the handler to price it again.
 */
export const orderPlacement = multiStreamDecider({
  streams: (command: MessageOf<typeof RecordOrder>) => ({
    order: { streamId: orderStream(command.data.orderId), decider: order },
    ...(command.data.fromCart
      ? { cart: { streamId: cartStream(command.data.customerId), decider: cart } }
      : {}),
  }),
  decide: (command, states) => {
    const { orderId, customerId, lines } = command.data;
    if (states.cart && !sameItems(states.cart.items, lines)) return fail(CART_CHANGED);
    const placed = order.decide(command, states.order);
    if (isRejection(placed)) return rejectionIn('order', placed);
    const checkout = CartCheckedOut({ customerId, orderId, at: commandTime(command.metadata) });
    return { order: placed, ...(states.cart ? { cart: [checkout] } : {}) };
  },
});

const sameItems = (items: readonly Item[], lines: readonly OrderLine[]) =>
  items.length === lines.length &&
  items.every((item, i) => {
    const line = lines[i];
    return line !== undefined && line.productId === item.productId && line.quantity === item.quantity;
  });
