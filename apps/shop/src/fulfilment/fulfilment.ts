// Order fulfilment, a core workflow (a process manager with durable state, one instance per order):
//
//   OrderPlaced / OrderItemsChanged ─► ReserveStock for every line (to each product's inventory stream)
//   StockReserved for every line     ─► ConfirmOrder
//   StockReservationFailed           ─► RejectOrder, and ReleaseStock for the lines already reserved
//   OrderCancelled                   ─► ReleaseStock for every line reserved (a confirmed order's too)
//   StockReserved that came too late (the order was rejected, cancelled or changed) ─► ReleaseStock
//
// Reservations belong to an order's revision: a change of items releases the old revision's and reserves
// the new one's. The runner sends the commands before it commits the state and checkpoint; after a crash
// it sends them again with the same ids, and the handlers append their events once.
import { toSend, workflow } from '@janus/core';
import { ReleaseStock, ReserveStock, StockReservationFailed, StockReserved } from '../catalog/inventory.js';
import {
  ConfirmOrder,
  OrderCancelled,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  RejectOrder,
  type OrderLine,
} from '../orders/order.js';

export type FulfilmentPhase = 'reserving' | 'confirming' | 'confirmed' | 'rejected' | 'cancelled';

export interface Fulfilment {
  readonly orderId: string;
  readonly revision: number;
  readonly phase: FulfilmentPhase | 'none';
  /** The current revision's lines: quantity by product. */
  readonly lines: Readonly<Record<string, number>>;
  /** What the current revision holds reserved: quantity by product. */
  readonly reserved: Readonly<Record<string, number>>;
}

const reserveAll = (orderId: string, revision: number, lines: readonly OrderLine[]) =>
  lines.map((line) =>
    toSend(ReserveStock, { productId: line.productId, orderId, revision, quantity: line.quantity }),
  );

const release = (orderId: string, revision: number, productId: string) =>
  toSend(ReleaseStock, { productId, orderId, revision });

const releaseAll = (state: Fulfilment) =>
  Object.keys(state.reserved).map((productId) => release(state.orderId, state.revision, productId));

const quantities = (lines: readonly OrderLine[]) =>
  Object.fromEntries(lines.map((line) => [line.productId, line.quantity]));

const allReserved = (lines: Readonly<Record<string, number>>, reserved: Readonly<Record<string, number>>) =>
  Object.keys(lines).every((productId) => reserved[productId] !== undefined);

export const fulfilment = workflow({
  name: 'shop.fulfilment',
  version: 1,
  handles: [
    OrderPlaced,
    OrderItemsChanged,
    StockReserved,
    StockReservationFailed,
    OrderConfirmed,
    OrderRejected,
    OrderCancelled,
  ],
  sends: [ReserveStock, ReleaseStock, ConfirmOrder, RejectOrder],
  route: (event) => event.data.orderId,
  initialState: (): Fulfilment => ({ orderId: '', revision: 0, phase: 'none', lines: {}, reserved: {} }),

  decide(event, state) {
    switch (event.type) {
      case 'shop.OrderPlaced.v1':
        return reserveAll(event.data.orderId, event.data.revision, event.data.lines);
      case 'shop.OrderItemsChanged.v1':
        return [
          ...releaseAll(state),
          ...reserveAll(event.data.orderId, event.data.revision, event.data.lines),
        ];
      case 'shop.StockReserved.v1': {
        const { orderId, revision, productId } = event.data;
        if (revision !== state.revision || state.phase !== 'reserving') {
          return [release(orderId, revision, productId)];
        }
        const reserved = { ...state.reserved, [productId]: event.data.quantity };
        return allReserved(state.lines, reserved) ? [toSend(ConfirmOrder, { orderId, revision })] : [];
      }
      case 'shop.StockReservationFailed.v1': {
        const { orderId, revision, productId, quantity, available } = event.data;
        if (revision !== state.revision || state.phase !== 'reserving') return [];
        const reason = `out of stock: ${quantity} of product '${productId}' wanted, ${available} available`;
        return [toSend(RejectOrder, { orderId, revision, reason }), ...releaseAll(state)];
      }
      case 'shop.OrderCancelled.v1':
        return releaseAll(state);
      case 'shop.OrderConfirmed.v1':
      case 'shop.OrderRejected.v1':
        return [];
    }
  },

  evolve(state, event): Fulfilment {
    switch (event.type) {
      case 'shop.OrderPlaced.v1':
      case 'shop.OrderItemsChanged.v1':
        return {
          orderId: event.data.orderId,
          revision: event.data.revision,
          phase: 'reserving',
          lines: quantities(event.data.lines),
          reserved: {},
        };
      case 'shop.StockReserved.v1': {
        if (event.data.revision !== state.revision || state.phase !== 'reserving') return state;
        const reserved = { ...state.reserved, [event.data.productId]: event.data.quantity };
        return { ...state, reserved, phase: allReserved(state.lines, reserved) ? 'confirming' : 'reserving' };
      }
      case 'shop.StockReservationFailed.v1':
        if (event.data.revision !== state.revision || state.phase !== 'reserving') return state;
        return { ...state, phase: 'rejected', reserved: {} };
      case 'shop.OrderCancelled.v1':
        return { ...state, phase: 'cancelled', reserved: {} };
      case 'shop.OrderConfirmed.v1':
        return { ...state, phase: 'confirmed' };
      case 'shop.OrderRejected.v1':
        return { ...state, phase: 'rejected', reserved: {} };
    }
  },
});
