import {
  DomainError,
  handleMultiStreamCommand,
  isDomainError,
  loadStream,
  notFoundAsError,
  type EventOf,
  type EventStore,
  type MessageOf,
  type RecordedEvent,
} from '@janus/core';
import { cart } from '../carts/cart.js';
import { loadProduct, unknownProduct } from '../catalog/catalogHandlers.js';
import { runCommand, type ShopCommandDeps } from '../commandDeps.js';
import { cartStream, orderStream, type Item } from '../fields.js';
import { CART_CHANGED, orderPlacement } from './orderPlacement.js';
import {
  RecordOrder,
  RecordOrderItems,
  order,
  totalOf,
  type CancelOrder,
  type ChangeOrderItems,
  type OrderLine,
  type OrderPlaced,
  type PlaceOrder,
} from './order.js';

/** Items priced from the catalog as it is now; a product it does not have is a 422 `unknown-product`. */
async function priceItems(store: EventStore, items: readonly Item[]): Promise<OrderLine[]> {
  return Promise.all(
    items.map(async ({ productId, quantity }) => {
      const found = await loadProduct(store, productId);
      if (!found) throw unknownProduct(productId);
      return { productId, quantity, unitPrice: found.price };
    }),
  );
}

/** How often an order from a cart that keeps changing while it is placed is priced again. */
const PRICING_ATTEMPTS = 3;

/**
 * The handlers of the order commands. Placing an order from the cart records the order and empties the
 * cart in one atomic append of both streams (orderPlacement), each at the version read.
 */
export function orderCommandHandlers(deps: ShopCommandDeps) {
  const { store } = deps;
  return {
    placeOrder: async (command: MessageOf<typeof PlaceOrder>) => {
      const { orderId, customerId, items } = command.data;
      const fromCart = items === undefined;
      // Priced from the cart as read, then placed; a cart that changed in between is priced again.
      for (let attempt = 1; ; attempt++) {
        try {
          const wanted = items ?? (await loadStream(store, cart, cartStream(customerId))).state.items;
          if (wanted.length === 0) {
            throw new DomainError('cart-empty', `the cart of customer '${customerId}' is empty`);
          }
          const lines = await priceItems(store, wanted);
          const recordOrder = RecordOrder({ orderId, customerId, lines, fromCart }, command.metadata);
          const placed = await handleMultiStreamCommand(store, orderPlacement, recordOrder, {
            retry: deps.retry,
          });
          return { orderId, total: totalOf(lines), position: placed.position };
        } catch (error) {
          if (attempt < PRICING_ATTEMPTS && isDomainError(error) && error.code === CART_CHANGED) continue;
          throw notFoundAsError(error);
        }
      }
    },
    changeOrderItems: async (command: MessageOf<typeof ChangeOrderItems>) => {
      const { orderId, items } = command.data;
      const lines = await priceItems(store, items);
      const outcome = await runCommand(
        deps,
        order,
        orderStream(orderId),
        RecordOrderItems({ orderId, lines }, command.metadata),
      );
      const revision = outcome.state.status === 'none' ? 0 : outcome.state.revision;
      return { revision, total: totalOf(lines), position: outcome.position };
    },
    cancelOrder: async (command: MessageOf<typeof CancelOrder>) => {
      const outcome = await runCommand(deps, order, orderStream(command.data.orderId), command);
      return { position: outcome.position };
    },
  };
}

/**
 * The customer an order belongs to, from its stream (the write side, never behind): for authorization
 * of commands on an order. Undefined when the order does not exist.
 */
export async function orderOwner(store: EventStore, orderId: string): Promise<string | undefined> {
  const [first] = await store.readStream(orderStream(orderId), { limit: 1 });
  if (first?.type !== 'shop.OrderPlaced.v1') return undefined;
  return (first as RecordedEvent<EventOf<typeof OrderPlaced>>).data.customerId;
}
