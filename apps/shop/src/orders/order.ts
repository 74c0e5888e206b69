// An order: placed (from a cart or a list of items) with the prices of the moment, then confirmed (stock
// reserved) or rejected by the fulfilment workflow, shipped by staff, or cancelled by its customer until
// it ships. Its items may change until it ships; each change is a new revision. A placed order takes the
// new items at once (the workflow reserves for the latest revision only). A confirmed order keeps its
// items and stays confirmed while the change is pending: the workflow reserves what is added, then the
// change is applied (and what is removed released) or refused (the order exactly as before).
// The workflow's commands (Confirm/Reject, Confirm/RejectChange) do nothing for a revision that is no
// longer current (never a refusal, which would stall the workflow).
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
import type { Positioned } from '../catalog/product.js';
import { CustomerId, Instant, Items, OrderId, ProductId, Quantity, commandTime } from '../fields.js';

/** A line of an order, priced when it was placed (or when its items last changed). */
export const OrderLine = z.object({ productId: ProductId, quantity: Quantity, unitPrice: Cents });
export type OrderLine = z.infer<typeof OrderLine>;

export const OrderStatus = z.enum(['placed', 'confirmed', 'shipped', 'rejected', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Cents of a total: never negative, and a sum of lines, so not bounded by the per-request maximum. */
const TotalCents = z.bigint().min(0n, 'is never negative');

const Revision = z.number().int().min(1);
export const Reason = SafeText.trim().min(1, 'is required').max(500);

export const OrderPlaced = event(
  'shop.OrderPlaced.v1',
  z.object({
    orderId: OrderId,
    customerId: CustomerId,
    revision: Revision,
    lines: z.array(OrderLine),
    total: TotalCents,
    fromCart: z.boolean(),
    at: Instant,
  }),
);
export const OrderItemsChanged = event(
  'shop.OrderItemsChanged.v1',
  z.object({
    orderId: OrderId,
    revision: Revision,
    lines: z.array(OrderLine),
    total: TotalCents,
    at: Instant,
  }),
);
export const OrderConfirmed = event(
  'shop.OrderConfirmed.v1',
  z.object({ orderId: OrderId, revision: Revision, at: Instant }),
);
export const OrderRejected = event(
  'shop.OrderRejected.v1',
  z.object({ orderId: OrderId, revision: Revision, reason: Reason, at: Instant }),
);
export const OrderCancelled = event(
  'shop.OrderCancelled.v1',
  z.object({ orderId: OrderId, revision: Revision, reason: Reason, wasConfirmed: z.boolean(), at: Instant }),
);
/** A confirmed order's items are to change: it keeps its items until the workflow reserved the new ones. */
export const OrderChangeRequested = event(
  'shop.OrderChangeRequested.v1',
  z.object({
    orderId: OrderId,
    revision: Revision,
    lines: z.array(OrderLine),
    total: TotalCents,
    at: Instant,
  }),
);
/** The requested change is reserved: the order now has these lines. */
export const OrderChangeApplied = event(
  'shop.OrderChangeApplied.v1',
  z.object({
    orderId: OrderId,
    revision: Revision,
    lines: z.array(OrderLine),
    total: TotalCents,
    at: Instant,
  }),
);
/** The requested change could not be reserved: the order keeps its items, still confirmed. */
export const OrderChangeRefused = event(
  'shop.OrderChangeRefused.v1',
  z.object({ orderId: OrderId, revision: Revision, reason: Reason, at: Instant }),
);
export const OrderShipped = event(
  'shop.OrderShipped.v1',
  z.object({ orderId: OrderId, revision: Revision, at: Instant }),
);
export type OrderEvent = EventOf<
  | typeof OrderPlaced
  | typeof OrderItemsChanged
  | typeof OrderConfirmed
  | typeof OrderRejected
  | typeof OrderCancelled
  | typeof OrderChangeRequested
  | typeof OrderChangeApplied
  | typeof OrderChangeRefused
  | typeof OrderShipped
>;
export const orderEvents = [
  OrderPlaced,
  OrderItemsChanged,
  OrderConfirmed,
  OrderRejected,
  OrderCancelled,
  OrderChangeRequested,
  OrderChangeApplied,
  OrderChangeRefused,
  OrderShipped,
] as const;

// The requests, as the HTTP routes send them: items without prices. Their handlers price the items from
// the catalog and hand the order decider a RecordOrder or RecordOrderItems (made there, never sent).
export const PlaceOrder = command(
  'shop.PlaceOrder',
  z.object({ orderId: OrderId, customerId: CustomerId, items: Items.optional() }),
  returns<{ readonly orderId: string; readonly total: bigint } & Positioned>(),
);
export const ChangeOrderItems = command(
  'shop.ChangeOrderItems',
  z.object({ orderId: OrderId, items: Items }),
  returns<{ readonly revision: number; readonly total: bigint; readonly pending: boolean } & Positioned>(),
);
export const CancelOrder = command(
  'shop.CancelOrder',
  z.object({ orderId: OrderId, reason: Reason }),
  returns<Positioned>(),
);
/** Staff ship a confirmed order (with no change pending). */
export const ShipOrder = command('shop.ShipOrder', z.object({ orderId: OrderId }), returns<Positioned>());

/** An order with its lines priced: made by the PlaceOrder handler. */
export const RecordOrder = command(
  'shop.RecordOrder',
  z.object({
    orderId: OrderId,
    customerId: CustomerId,
    lines: z.array(OrderLine).min(1),
    fromCart: z.boolean(),
  }),
);
/** New lines for an order, priced: made by the ChangeOrderItems handler. */
export const RecordOrderItems = command(
  'shop.RecordOrderItems',
  z.object({ orderId: OrderId, lines: z.array(OrderLine).min(1) }),
);
/** Sent by the fulfilment workflow only. */
export const ConfirmOrder = command('shop.ConfirmOrder', z.object({ orderId: OrderId, revision: Revision }));
/** Sent by the fulfilment workflow only. */
export const RejectOrder = command(
  'shop.RejectOrder',
  z.object({ orderId: OrderId, revision: Revision, reason: Reason }),
);
/** Sent by the fulfilment workflow only: a confirmed order's change is reserved. */
export const ConfirmOrderChange = command(
  'shop.ConfirmOrderChange',
  z.object({ orderId: OrderId, revision: Revision }),
);
/** Sent by the fulfilment workflow only: a confirmed order's change cannot be reserved. */
export const RejectOrderChange = command(
  'shop.RejectOrderChange',
  z.object({ orderId: OrderId, revision: Revision, reason: Reason }),
);
export type OrderCommand = MessageOf<
  | typeof RecordOrder
  | typeof RecordOrderItems
  | typeof CancelOrder
  | typeof ShipOrder
  | typeof ConfirmOrder
  | typeof RejectOrder
  | typeof ConfirmOrderChange
  | typeof RejectOrderChange
>;

export type Order =
  | { readonly status: 'none' }
  | {
      readonly status: OrderStatus;
      readonly orderId: string;
      readonly customerId: string;
      /** The revision of `lines`. */
      readonly revision: number;
      /** The highest revision given out (a pending or refused change's included). */
      readonly latestRevision: number;
      readonly lines: readonly OrderLine[];
      /** A confirmed order's change that the workflow is reserving. */
      readonly pendingChange: { readonly revision: number; readonly lines: readonly OrderLine[] } | null;
    };

export const totalOf = (lines: readonly OrderLine[]): bigint =>
  lines.reduce((sum, line) => sum + line.unitPrice * BigInt(line.quantity), 0n);

export const orderNotFound = (orderId: string) =>
  fail('not-found', { message: `order '${orderId}' does not exist` });

export const order = decider<Order, OrderCommand, OrderEvent>({
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const at = commandTime(command.metadata);
    switch (command.type) {
      case 'shop.RecordOrder': {
        const { orderId, customerId, lines, fromCart } = command.data;
        if (state.status !== 'none') {
          return fail('order-exists', { message: `order '${orderId}' exists already` });
        }
        return [
          OrderPlaced({ orderId, customerId, revision: 1, lines, total: totalOf(lines), fromCart, at }),
        ];
      }
      case 'shop.RecordOrderItems': {
        const { orderId, lines } = command.data;
        if (state.status === 'none') return orderNotFound(orderId);
        const change = { orderId, revision: state.latestRevision + 1, lines, total: totalOf(lines), at };
        if (state.status === 'placed') return [OrderItemsChanged(change)];
        if (state.status === 'confirmed') return [OrderChangeRequested(change)];
        return fail('order-not-changeable', {
          message: `order '${orderId}' is ${state.status}: only a placed or confirmed order's items change`,
        });
      }
      case 'shop.CancelOrder': {
        const { orderId, reason } = command.data;
        if (state.status === 'none') return orderNotFound(orderId);
        if (state.status !== 'placed' && state.status !== 'confirmed') {
          return fail('order-not-cancellable', { message: `order '${orderId}' is ${state.status} already` });
        }
        return [
          OrderCancelled({
            orderId,
            revision: state.revision,
            reason,
            wasConfirmed: state.status === 'confirmed',
            at,
          }),
        ];
      }
      case 'shop.ShipOrder': {
        const { orderId } = command.data;
        if (state.status === 'none') return orderNotFound(orderId);
        if (state.status !== 'confirmed' || state.pendingChange !== null) {
          const why = state.status === 'confirmed' ? 'confirmed with a change pending' : state.status;
          return fail('order-not-shippable', {
            message: `order '${orderId}' is ${why}: only a confirmed order ships`,
          });
        }
        return [OrderShipped({ orderId, revision: state.revision, at })];
      }
      case 'shop.ConfirmOrderChange':
      case 'shop.RejectOrderChange': {
        const { orderId, revision } = command.data;
        const pending = state.status === 'confirmed' ? state.pendingChange : null;
        if (pending?.revision !== revision) return [];
        if (command.type === 'shop.RejectOrderChange') {
          return [OrderChangeRefused({ orderId, revision, reason: command.data.reason, at })];
        }
        const lines = [...pending.lines];
        return [OrderChangeApplied({ orderId, revision, lines, total: totalOf(lines), at })];
      }
      case 'shop.ConfirmOrder':
      case 'shop.RejectOrder': {
        const { orderId, revision } = command.data;
        if (state.status !== 'placed' || state.revision !== revision) return [];
        return command.type === 'shop.ConfirmOrder'
          ? [OrderConfirmed({ orderId, revision, at })]
          : [OrderRejected({ orderId, revision, reason: command.data.reason, at })];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'shop.OrderPlaced.v1': {
        const { orderId, customerId, revision, lines } = event.data;
        return {
          status: 'placed',
          orderId,
          customerId,
          revision,
          latestRevision: revision,
          lines,
          pendingChange: null,
        };
      }
      case 'shop.OrderItemsChanged.v1': {
        const { revision, lines } = event.data;
        return state.status === 'none' ? state : { ...state, revision, latestRevision: revision, lines };
      }
      case 'shop.OrderChangeRequested.v1': {
        const { revision, lines } = event.data;
        return state.status === 'none'
          ? state
          : { ...state, latestRevision: revision, pendingChange: { revision, lines } };
      }
      case 'shop.OrderChangeApplied.v1': {
        const { revision, lines } = event.data;
        return state.status === 'none' ? state : { ...state, revision, lines, pendingChange: null };
      }
      case 'shop.OrderChangeRefused.v1':
        return state.status === 'none' ? state : { ...state, pendingChange: null };
      case 'shop.OrderShipped.v1':
        return state.status === 'none' ? state : { ...state, status: 'shipped' };
      case 'shop.OrderConfirmed.v1':
        return state.status === 'none' ? state : { ...state, status: 'confirmed' };
      case 'shop.OrderRejected.v1':
        return state.status === 'none' ? state : { ...state, status: 'rejected' };
      case 'shop.OrderCancelled.v1':
        return state.status === 'none' ? state : { ...state, status: 'cancelled', pendingChange: null };
      default:
        return assertNever(event);
    }
  },
});
