import {
  DomainError,
  isRejection,
  loadStream,
  rejectionError,
  retryOnConflict,
  toNewEvent,
  type EventOf,
  type EventStore,
  type MessageOf,
  type RecordedEvent,
} from '@janus/core';
import { CartCheckedOut, cart } from '../carts/cart.js';
import { loadProduct, unknownProduct } from '../catalog/catalogHandlers.js';
import { notFoundAsError, runCommand, type ShopCommandDeps } from '../commandDeps.js';
import { cartStream, commandTime, orderStream, type Item } from '../fields.js';
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

/**
 * The handlers of the order commands. Placing an order from the cart records the order and empties the
 * cart in one atomic append of both streams, each at the version read; a conflict runs it all again.
 */
export function orderCommandHandlers(deps: ShopCommandDeps) {
  const { store } = deps;
  return {
    placeOrder: async (command: MessageOf<typeof PlaceOrder>) => {
      const { orderId, customerId, items } = command.data;
      try {
        return await retryOnConflict(async () => {
          const fromCart = items === undefined;
          const theCart = fromCart ? await loadStream(store, cart, cartStream(customerId)) : undefined;
          const wanted = items ?? theCart?.state.items ?? [];
          if (wanted.length === 0) {
            throw new DomainError('cart-empty', `the cart of customer '${customerId}' is empty`);
          }
          const lines = await priceItems(store, wanted);
          const current = await loadStream(store, order, orderStream(orderId));
          const decision = order.decide(
            RecordOrder({ orderId, customerId, lines, fromCart }, command.metadata),
            current.state,
          );
          if (isRejection(decision)) throw rejectionError(decision);
          // Event ids derive from the command's message id: the same command appends once.
          const recorded = toNewEvent(command);
          const events = decision.map(recorded);
          const checkout = theCart && {
            streamId: cartStream(customerId),
            events: [
              recorded(
                CartCheckedOut({ customerId, orderId, at: commandTime(command.metadata) }),
                events.length,
              ),
            ],
            expectedVersion: theCart.version,
          };
          const result = await store.appendMany([
            { streamId: orderStream(orderId), events, expectedVersion: current.version },
            ...(checkout ? [checkout] : []),
          ]);
          return { orderId, total: totalOf(lines), position: result.position };
        }, deps.retry);
      } catch (error) {
        throw notFoundAsError(error);
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
