import { assertNever, projection } from '@janus/core';
import { formatMoney } from '@janus/money';
import { orderEvents, type OrderEvent, type OrderLine, type OrderStatus } from './order.js';

/**
 * The last change asked of a confirmed order, while the workflow reserves it (`pending`) or after it could
 * not (`refused`, with the reason; the order kept its items). Null once applied, and for a placed order,
 * whose items change at once.
 */
export interface OrderChange {
  readonly revision: number;
  readonly status: 'pending' | 'refused';
  readonly lines: readonly OrderLine[];
  /** Cents. */
  readonly total: bigint;
  readonly reason: string | null;
}

/** One order in the read model, found by customer and by the UTC day it was placed. */
export interface OrderDocument {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly revision: number;
  readonly lines: readonly OrderLine[];
  /** Cents. */
  readonly total: bigint;
  /** Why it was rejected or cancelled. */
  readonly reason: string | null;
  readonly change: OrderChange | null;
  readonly placedAt: string;
  /** YYYY-MM-DD (UTC) of placedAt: the index the date-range report reads. */
  readonly placedDay: string;
  readonly updatedAt: string;
}

function applyToOrder(doc: OrderDocument | undefined, event: OrderEvent): OrderDocument | null {
  if (event.type === 'shop.OrderPlaced.v1') {
    const { orderId, customerId, revision, lines, total, at } = event.data;
    return {
      orderId,
      customerId,
      status: 'placed',
      revision,
      lines,
      total,
      reason: null,
      change: null,
      placedAt: at,
      placedDay: at.slice(0, 10),
      updatedAt: at,
    };
  }
  if (!doc) return null;
  const updatedAt = event.data.at;
  switch (event.type) {
    case 'shop.OrderItemsChanged.v1': {
      const { revision, lines, total } = event.data;
      return { ...doc, revision, lines, total, updatedAt };
    }
    case 'shop.OrderConfirmed.v1':
      return { ...doc, status: 'confirmed', updatedAt };
    case 'shop.OrderRejected.v1':
      return { ...doc, status: 'rejected', reason: event.data.reason, updatedAt };
    case 'shop.OrderCancelled.v1':
      return { ...doc, status: 'cancelled', reason: event.data.reason, change: null, updatedAt };
    case 'shop.OrderChangeRequested.v1': {
      const { revision, lines, total } = event.data;
      return { ...doc, change: { revision, status: 'pending', lines, total, reason: null }, updatedAt };
    }
    case 'shop.OrderChangeApplied.v1': {
      const { revision, lines, total } = event.data;
      return { ...doc, revision, lines, total, change: null, updatedAt };
    }
    case 'shop.OrderChangeRefused.v1':
      return doc.change?.revision === event.data.revision
        ? { ...doc, change: { ...doc.change, status: 'refused', reason: event.data.reason }, updatedAt }
        : doc;
    case 'shop.OrderShipped.v1':
      return { ...doc, status: 'shipped', updatedAt };
    default:
      return assertNever(event);
  }
}

/** The orders read model: by id, by customer, by the day placed. */
export const ordersView = projection({
  name: 'shop.orders',
  version: 2,
  handles: orderEvents,
  id: (event) => event.data.orderId,
  indexes: ['customerId', 'placedDay'],
  apply: (doc: OrderDocument | undefined, event) => applyToOrder(doc, event),
});

export interface OrderItemView {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: string;
  readonly lineTotal: string;
}

const toItemViews = (lines: readonly OrderLine[]): OrderItemView[] =>
  lines.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
    unitPrice: formatMoney(line.unitPrice),
    lineTotal: formatMoney(line.unitPrice * BigInt(line.quantity)),
  }));

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly revision: number;
  readonly items: readonly OrderItemView[];
  readonly total: string;
  readonly reason: string | null;
  readonly change: {
    readonly revision: number;
    readonly status: 'pending' | 'refused';
    readonly items: readonly OrderItemView[];
    readonly total: string;
    readonly reason: string | null;
  } | null;
  readonly placedAt: string;
  readonly updatedAt: string;
}

export const toOrderView = (doc: OrderDocument): OrderView => ({
  orderId: doc.orderId,
  customerId: doc.customerId,
  status: doc.status,
  revision: doc.revision,
  items: toItemViews(doc.lines),
  total: formatMoney(doc.total),
  reason: doc.reason,
  // Documents written before changes of confirmed orders existed have no `change`.
  change: doc.change
    ? {
        revision: doc.change.revision,
        status: doc.change.status,
        items: toItemViews(doc.change.lines),
        total: formatMoney(doc.change.total),
        reason: doc.change.reason,
      }
    : null,
  placedAt: doc.placedAt,
  updatedAt: doc.updatedAt,
});
