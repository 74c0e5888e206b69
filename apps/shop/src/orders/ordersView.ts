import { assertNever, projection } from '@janus/core';
import { formatMoney } from '@janus/money';
import {
  OrderCancelled,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  type OrderEvent,
  type OrderLine,
  type OrderStatus,
} from './order.js';

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
      return { ...doc, status: 'cancelled', reason: event.data.reason, updatedAt };
    default:
      return assertNever(event);
  }
}

/** The orders read model: by id, by customer, by the day placed. */
export const ordersView = projection({
  name: 'shop.orders',
  version: 1,
  handles: [OrderPlaced, OrderItemsChanged, OrderConfirmed, OrderRejected, OrderCancelled],
  id: (event) => event.data.orderId,
  indexes: ['customerId', 'placedDay'],
  apply: (doc: OrderDocument | undefined, event) => applyToOrder(doc, event),
});

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly revision: number;
  readonly items: readonly {
    readonly productId: string;
    readonly quantity: number;
    readonly unitPrice: string;
    readonly lineTotal: string;
  }[];
  readonly total: string;
  readonly reason: string | null;
  readonly placedAt: string;
  readonly updatedAt: string;
}

export const toOrderView = (doc: OrderDocument): OrderView => ({
  orderId: doc.orderId,
  customerId: doc.customerId,
  status: doc.status,
  revision: doc.revision,
  items: doc.lines.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
    unitPrice: formatMoney(line.unitPrice),
    lineTotal: formatMoney(line.unitPrice * BigInt(line.quantity)),
  })),
  total: formatMoney(doc.total),
  reason: doc.reason,
  placedAt: doc.placedAt,
  updatedAt: doc.updatedAt,
});
