// The stock of one product, in its own stream. Reservations are the fulfilment workflow's commands:
// their outcome is always an event (StockReserved or StockReservationFailed), never a thrown refusal,
// so the workflow learns of it from the log. Each reservation is keyed by order and revision (an order's
// items may change until it ships): a reserve sent twice takes effect once, and a release never gives back
// more than its reservation still holds (a release of part of it, when a confirmed order's quantity drops,
// is made once by its deterministic event id). Stock never
// goes negative: the decider checks what is available at the version it read, and the append is
// conditional on that version (optimistic concurrency).
import { assertNever, command, decider, event, returns, type EventOf, type MessageOf } from '@janus/core';
import { z } from 'zod';
import { Instant, OrderId, ProductId, Quantity, StockQuantity, commandTime } from '../fields.js';
import type { Positioned } from './product.js';

const Reservation = { productId: ProductId, orderId: OrderId, revision: z.number().int().min(1) };

export const StockAdded = event(
  'shop.StockAdded.v1',
  z.object({ productId: ProductId, quantity: StockQuantity, available: z.number().int(), at: Instant }),
);
export const StockReserved = event(
  'shop.StockReserved.v1',
  z.object({ ...Reservation, quantity: Quantity, available: z.number().int(), at: Instant }),
);
export const StockReservationFailed = event(
  'shop.StockReservationFailed.v1',
  z.object({ ...Reservation, quantity: Quantity, available: z.number().int(), at: Instant }),
);
export const StockReleased = event(
  'shop.StockReleased.v1',
  z.object({ ...Reservation, quantity: Quantity, available: z.number().int(), at: Instant }),
);
export type InventoryEvent = EventOf<
  typeof StockAdded | typeof StockReserved | typeof StockReservationFailed | typeof StockReleased
>;
export const inventoryEvents = [StockAdded, StockReserved, StockReservationFailed, StockReleased] as const;

export const AddStock = command(
  'shop.AddStock',
  z.object({ productId: ProductId, quantity: StockQuantity }),
  returns<{ readonly available: number } & Positioned>(),
);
/** Sent by the fulfilment workflow only. */
export const ReserveStock = command('shop.ReserveStock', z.object({ ...Reservation, quantity: Quantity }));
/** Sent by the fulfilment workflow only: all the reservation still holds, or `quantity` of it. */
export const ReleaseStock = command(
  'shop.ReleaseStock',
  z.object({ ...Reservation, quantity: Quantity.optional() }),
);
export type InventoryCommand = MessageOf<typeof AddStock | typeof ReserveStock | typeof ReleaseStock>;

export interface Inventory {
  /** Units on hand and not reserved. */
  readonly available: number;
  /** Quantity each reservation ever made still holds, by `orderId/revision`; 0 once all released. */
  readonly reservations: ReadonlyMap<string, number>;
}

export const reservationKey = (r: { readonly orderId: string; readonly revision: number }) =>
  `${r.orderId}/${r.revision}`;

export const inventory = decider<Inventory, InventoryCommand, InventoryEvent>({
  initialState: () => ({ available: 0, reservations: new Map() }),

  decide(command, state) {
    const at = commandTime(command.metadata);
    switch (command.type) {
      case 'shop.AddStock': {
        const { productId, quantity } = command.data;
        return [StockAdded({ productId, quantity, available: state.available + quantity, at })];
      }
      case 'shop.ReserveStock': {
        const { productId, orderId, revision, quantity } = command.data;
        if (state.reservations.has(reservationKey(command.data))) return [];
        return quantity <= state.available
          ? [
              StockReserved({
                productId,
                orderId,
                revision,
                quantity,
                available: state.available - quantity,
                at,
              }),
            ]
          : [
              StockReservationFailed({
                productId,
                orderId,
                revision,
                quantity,
                available: state.available,
                at,
              }),
            ];
      }
      case 'shop.ReleaseStock': {
        const { productId, orderId, revision } = command.data;
        const held = state.reservations.get(reservationKey(command.data)) ?? 0;
        const quantity = Math.min(held, command.data.quantity ?? held);
        if (quantity === 0) return [];
        return [
          StockReleased({
            productId,
            orderId,
            revision,
            quantity,
            available: state.available + quantity,
            at,
          }),
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'shop.StockAdded.v1':
        return { ...state, available: state.available + event.data.quantity };
      case 'shop.StockReserved.v1': {
        const reservations = new Map(state.reservations);
        reservations.set(reservationKey(event.data), event.data.quantity);
        return { available: state.available - event.data.quantity, reservations };
      }
      case 'shop.StockReservationFailed.v1':
        return state;
      case 'shop.StockReleased.v1': {
        const reservations = new Map(state.reservations);
        const key = reservationKey(event.data);
        reservations.set(key, (reservations.get(key) ?? 0) - event.data.quantity);
        return { available: state.available + event.data.quantity, reservations };
      }
      default:
        return assertNever(event);
    }
  },
});
