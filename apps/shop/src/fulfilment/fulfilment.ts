// Order fulfilment, a core workflow (a process manager with durable state, one instance per order):
//
//   OrderPlaced / OrderItemsChanged ─► ReserveStock for every line (to each product's inventory stream)
//   StockReserved for every line     ─► ConfirmOrder
//   StockReservationFailed           ─► RejectOrder, and ReleaseStock for everything held
//   OrderChangeRequested (confirmed) ─► ReserveStock for what each line adds (nothing added: ConfirmOrderChange)
//   StockReserved for every addition ─► ConfirmOrderChange
//   StockReservationFailed (change)  ─► RejectOrderChange, and ReleaseStock for that change's reservations
//   OrderChangeApplied               ─► ReleaseStock for what each line removed (part of a reservation)
//   OrderCancelled                   ─► ReleaseStock for everything held (a confirmed order's too)
//   StockReserved that came too late (the order was rejected, cancelled or changed) ─► ReleaseStock
//
// Reservations belong to an order's revision. A placed order's change releases the old revision's and
// reserves the new one's. A confirmed order keeps what it holds while a change is reserved, so a refused
// change leaves it exactly as it was. The runner sends the commands before it commits the state and
// checkpoint; after a crash it sends them again with the same ids, and the handlers append their events once.
import { toSend, workflow } from '@janus/core';
import { ReleaseStock, ReserveStock, StockReservationFailed, StockReserved } from '../catalog/inventory.js';
import {
  ConfirmOrder,
  ConfirmOrderChange,
  OrderCancelled,
  OrderChangeApplied,
  OrderChangeRefused,
  OrderChangeRequested,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  OrderShipped,
  RejectOrder,
  RejectOrderChange,
  type OrderLine,
} from '../orders/order.js';

export type FulfilmentPhase =
  'reserving' | 'confirming' | 'confirmed' | 'changing' | 'applying' | 'shipped' | 'rejected' | 'cancelled';

type Quantities = Readonly<Record<string, number>>;

/** One reservation the order holds in a product's inventory: `quantity` left of revision's. */
export interface Hold {
  readonly productId: string;
  readonly revision: number;
  readonly quantity: number;
}

export interface Fulfilment {
  readonly orderId: string;
  /** The revision being reserved, or the last one reserved. */
  readonly revision: number;
  readonly phase: FulfilmentPhase | 'none';
  /** The current revision's lines: quantity by product. */
  readonly lines: Quantities;
  /** What the confirmed order holds: quantity by product (empty until it is confirmed). */
  readonly base: Quantities;
  /** What the current revision reserved so far: quantity by product. */
  readonly reserved: Quantities;
  /** Every reservation the order holds, of any revision. */
  readonly held: readonly Hold[];
}

/** A state stored before orders changed until shipped: no `base`, no `held`; `reserved` held it all. */
export type FulfilmentBeforeChanges = Omit<Fulfilment, 'base' | 'held'>;

/**
 * Reads a state stored by the previous version of this workflow as this one would have kept it: what it
 * reserved is held for its revision, and a confirmed order holds its lines. Workflows are never rebuilt,
 * so their stored states must be read, not replaced.
 */
export function upgraded(state: Fulfilment | FulfilmentBeforeChanges): Fulfilment {
  if ('base' in state && 'held' in state) return state;
  const held = Object.entries(state.reserved).map(([productId, quantity]) => ({
    productId,
    revision: state.revision,
    quantity,
  }));
  return state.phase === 'confirmed'
    ? { ...state, base: state.lines, reserved: {}, held }
    : { ...state, base: {}, held };
}

const quantities = (lines: readonly OrderLine[]): Quantities =>
  Object.fromEntries(lines.map((line) => [line.productId, line.quantity]));

/** What a revision must reserve: what each line adds to what the order holds confirmed. */
const additions = (lines: Quantities, base: Quantities): Quantities =>
  Object.fromEntries(
    Object.entries(lines)
      .map(([productId, quantity]) => [productId, quantity - (base[productId] ?? 0)] as const)
      .filter(([, added]) => added > 0),
  );

const allReserved = (wanted: Quantities, reserved: Quantities) =>
  Object.keys(wanted).every((productId) => reserved[productId] !== undefined);

const reserveAll = (orderId: string, revision: number, wanted: Quantities) =>
  Object.entries(wanted).map(([productId, quantity]) =>
    toSend(ReserveStock, { productId, orderId, revision, quantity }),
  );

const release = (orderId: string, revision: number, productId: string) =>
  toSend(ReleaseStock, { productId, orderId, revision });

const releaseHolds = (orderId: string, holds: readonly Hold[]) =>
  holds.map((hold) => release(orderId, hold.revision, hold.productId));

const inFlight = (state: Fulfilment) => state.phase === 'changing' || state.phase === 'applying';

/** The holds of the change being reserved (none when no change is). */
const changeHolds = (state: Fulfilment) =>
  inFlight(state) ? state.held.filter((hold) => hold.revision === state.revision) : [];

const without = (held: readonly Hold[], revision: number) => held.filter((h) => h.revision !== revision);

/**
 * What an applied change gives back: for each line that shrank, the units over its new quantity, taken
 * from the newest reservations first (part of one when it holds more). Answers the releases and the holds left.
 */
function shrink(state: Fulfilment, lines: Quantities) {
  const releases: ReturnType<typeof release>[] = [];
  const left = new Map(state.held.map((hold) => [hold, hold.quantity]));
  for (const [productId, quantity] of Object.entries(state.base)) {
    let over = quantity - (lines[productId] ?? 0);
    const holds = state.held
      .filter((hold) => hold.productId === productId)
      .sort((a, b) => b.revision - a.revision);
    for (const hold of holds) {
      if (over <= 0) break;
      const given = Math.min(over, hold.quantity);
      releases.push(
        toSend(ReleaseStock, { productId, orderId: state.orderId, revision: hold.revision, quantity: given }),
      );
      left.set(hold, hold.quantity - given);
      over -= given;
    }
  }
  const held = state.held.flatMap((hold) => {
    const quantity = left.get(hold) ?? 0;
    return quantity > 0 ? [{ ...hold, quantity }] : [];
  });
  return { releases, held };
}

const reservesNow = (state: Fulfilment, revision: number) =>
  revision === state.revision && (state.phase === 'reserving' || state.phase === 'changing');

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
    OrderChangeRequested,
    OrderChangeApplied,
    OrderChangeRefused,
    OrderShipped,
  ],
  sends: [ReserveStock, ReleaseStock, ConfirmOrder, RejectOrder, ConfirmOrderChange, RejectOrderChange],
  route: (event) => event.data.orderId,
  initialState: (): Fulfilment => ({
    orderId: '',
    revision: 0,
    phase: 'none',
    lines: {},
    base: {},
    reserved: {},
    held: [],
  }),

  decide(event, stored) {
    const state = upgraded(stored);
    switch (event.type) {
      case 'shop.OrderPlaced.v1':
        return reserveAll(event.data.orderId, event.data.revision, quantities(event.data.lines));
      case 'shop.OrderItemsChanged.v1':
        return [
          ...releaseHolds(state.orderId, state.held),
          ...reserveAll(event.data.orderId, event.data.revision, quantities(event.data.lines)),
        ];
      case 'shop.OrderChangeRequested.v1': {
        const { orderId, revision, lines } = event.data;
        const added = additions(quantities(lines), state.base);
        const reserves = reserveAll(orderId, revision, added);
        return [
          ...releaseHolds(orderId, changeHolds(state)),
          ...(reserves.length > 0 ? reserves : [toSend(ConfirmOrderChange, { orderId, revision })]),
        ];
      }
      case 'shop.StockReserved.v1': {
        const { orderId, revision, productId } = event.data;
        if (!reservesNow(state, revision)) return [release(orderId, revision, productId)];
        const reserved = { ...state.reserved, [productId]: event.data.quantity };
        if (!allReserved(additions(state.lines, state.base), reserved)) return [];
        return state.phase === 'reserving'
          ? [toSend(ConfirmOrder, { orderId, revision })]
          : [toSend(ConfirmOrderChange, { orderId, revision })];
      }
      case 'shop.StockReservationFailed.v1': {
        const { orderId, revision, productId, quantity, available } = event.data;
        if (!reservesNow(state, revision)) return [];
        // A change reserves only what it adds: its reason says "more".
        const more = state.phase === 'changing' ? ' more' : '';
        const reason = `out of stock: ${quantity}${more} of product '${productId}' wanted, ${available} available`;
        return state.phase === 'reserving'
          ? [toSend(RejectOrder, { orderId, revision, reason }), ...releaseHolds(orderId, state.held)]
          : [
              toSend(RejectOrderChange, { orderId, revision, reason }),
              ...releaseHolds(orderId, changeHolds(state)),
            ];
      }
      case 'shop.OrderChangeApplied.v1':
        if (event.data.revision !== state.revision) return [];
        return shrink(state, quantities(event.data.lines)).releases;
      case 'shop.OrderCancelled.v1':
        return releaseHolds(state.orderId, state.held);
      case 'shop.OrderConfirmed.v1':
      case 'shop.OrderRejected.v1':
      case 'shop.OrderChangeRefused.v1':
      case 'shop.OrderShipped.v1':
        return [];
    }
  },

  evolve(stored, event): Fulfilment {
    const state = upgraded(stored);
    switch (event.type) {
      case 'shop.OrderPlaced.v1':
      case 'shop.OrderItemsChanged.v1':
        return {
          orderId: event.data.orderId,
          revision: event.data.revision,
          phase: 'reserving',
          lines: quantities(event.data.lines),
          base: {},
          reserved: {},
          held: [],
        };
      case 'shop.OrderChangeRequested.v1': {
        const lines = quantities(event.data.lines);
        const held = inFlight(state) ? without(state.held, state.revision) : state.held;
        const phase = Object.keys(additions(lines, state.base)).length > 0 ? 'changing' : 'applying';
        return { ...state, revision: event.data.revision, phase, lines, reserved: {}, held };
      }
      case 'shop.StockReserved.v1': {
        const { revision, productId, quantity } = event.data;
        if (!reservesNow(state, revision)) return state;
        const reserved = { ...state.reserved, [productId]: quantity };
        const held = [...state.held, { productId, revision, quantity }];
        const done = allReserved(additions(state.lines, state.base), reserved);
        const phase = !done ? state.phase : state.phase === 'reserving' ? 'confirming' : 'applying';
        return { ...state, reserved, held, phase };
      }
      case 'shop.StockReservationFailed.v1':
        if (!reservesNow(state, event.data.revision)) return state;
        return state.phase === 'reserving'
          ? { ...state, phase: 'rejected', reserved: {}, held: [] }
          : {
              ...state,
              phase: 'confirmed',
              lines: state.base,
              reserved: {},
              held: without(state.held, state.revision),
            };
      case 'shop.OrderChangeApplied.v1': {
        if (event.data.revision !== state.revision) return state;
        const lines = quantities(event.data.lines);
        return {
          ...state,
          phase: 'confirmed',
          lines,
          base: lines,
          reserved: {},
          held: shrink(state, lines).held,
        };
      }
      case 'shop.OrderCancelled.v1':
        return { ...state, phase: 'cancelled', reserved: {}, held: [] };
      case 'shop.OrderConfirmed.v1':
        return { ...state, phase: 'confirmed', base: state.lines, reserved: {} };
      case 'shop.OrderRejected.v1':
        return { ...state, phase: 'rejected', reserved: {}, held: [] };
      case 'shop.OrderChangeRefused.v1':
        return state;
      case 'shop.OrderShipped.v1':
        return { ...state, phase: 'shipped' };
    }
  },
});
