// An order: placed (from a cart or a list of items) with the prices of the moment, then confirmed or
// rejected by the fulfilment workflow, or cancelled by its customer. While it is only placed, its items
// may change: each change is a new revision, and the workflow reserves stock for the latest one only.
// ConfirmOrder and RejectOrder come from the workflow: for a revision that is no longer current, or an
// order no longer pending, they do nothing (never a refusal, which would stall the workflow).
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

export const OrderStatus = z.enum(['placed', 'confirmed', 'rejected', 'cancelled']);
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
export type OrderEvent = EventOf<
  | typeof OrderPlaced
  | typeof OrderItemsChanged
  | typeof OrderConfirmed
  | typeof OrderRejected
  | typeof OrderCancelled
>;
export const orderEvents = [
  OrderPlaced,
  OrderItemsChanged,
  OrderConfirmed,
  OrderRejected,
  OrderCancelled,
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
  returns<{ readonly revision: number; readonly total: bigint } & Positioned>(),
);
export const CancelOrder = command(
  'shop.CancelOrder',
  z.object({ orderId: OrderId, reason: Reason }),
  returns<Positioned>(),
);

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
/** New lines for a pending order, priced: made by the ChangeOrderItems handler. */
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
export type OrderCommand = MessageOf<
  typeof RecordOrder | typeof RecordOrderItems | typeof CancelOrder | typeof ConfirmOrder | typeof RejectOrder
>;

export type Order =
  | { readonly status: 'none' }
  | {
      readonly status: OrderStatus;
      readonly orderId: string;
      readonly customerId: string;
      readonly revision: number;
      readonly lines: readonly OrderLine[];
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
        if (state.status !== 'placed') {
          return fail('order-not-pending', {
            message: `order '${orderId}' is ${state.status}: only a pending order's items may change`,
          });
        }
        return [
          OrderItemsChanged({ orderId, revision: state.revision + 1, lines, total: totalOf(lines), at }),
        ];
      }
      case 'shop.CancelOrder': {
        const { orderId, reason } = command.data;
        if (state.status === 'none') return orderNotFound(orderId);
        if (state.status === 'rejected' || state.status === 'cancelled') {
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
        return { status: 'placed', orderId, customerId, revision, lines };
      }
      case 'shop.OrderItemsChanged.v1':
        return state.status === 'none'
          ? state
          : { ...state, revision: event.data.revision, lines: event.data.lines };
      case 'shop.OrderConfirmed.v1':
        return state.status === 'none' ? state : { ...state, status: 'confirmed' };
      case 'shop.OrderRejected.v1':
        return state.status === 'none' ? state : { ...state, status: 'rejected' };
      case 'shop.OrderCancelled.v1':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
      default:
        return assertNever(event);
    }
  },
});
