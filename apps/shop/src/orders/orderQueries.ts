import { NotFoundError, ValidationError, query, returns, type ReadModels } from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { Instant } from '../fields.js';
import { OrderStatus } from './order.js';
import { ordersView, toOrderView, type OrderDocument, type OrderView } from './ordersView.js';

export const GetOrder = query('shop.GetOrder', z.object({ orderId: z.string() }), returns<OrderView>());

export const ListCustomerOrders = query(
  'shop.ListCustomerOrders',
  z.object({ customerId: z.string(), status: OrderStatus.optional() }),
  returns<{ readonly orders: readonly OrderView[] }>(),
);

/** The longest range the report reads: 366 days. */
export const MAX_REPORT_DAYS = 366;

export const ListOrders = query(
  'shop.ListOrders',
  z.object({ from: Instant, to: Instant, status: OrderStatus.optional() }),
  returns<{ readonly orders: readonly OrderView[]; readonly count: number; readonly total: string }>(),
);

export const orderNotFound = (orderId: string) => new NotFoundError(`order '${orderId}' does not exist`);

export const findOrder = (readModels: ReadModels, orderId: string): Promise<OrderDocument | undefined> =>
  readModels.documents(ordersView).get(orderId);

export async function getOrder(readModels: ReadModels, orderId: string): Promise<OrderView> {
  const doc = await findOrder(readModels, orderId);
  if (!doc) throw orderNotFound(orderId);
  return toOrderView(doc);
}

const byPlacedAt = (a: OrderDocument, b: OrderDocument) =>
  a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.orderId < b.orderId ? -1 : 1;

/** A customer's orders, oldest first, optionally only those of one status. */
export async function listCustomerOrders(
  readModels: ReadModels,
  params: { readonly customerId: string; readonly status?: OrderStatus | undefined },
): Promise<{ orders: OrderView[] }> {
  const docs = await readModels.documents(ordersView).find('customerId', params.customerId);
  return {
    orders: docs
      .filter((doc) => params.status === undefined || doc.status === params.status)
      .sort(byPlacedAt)
      .map(toOrderView),
  };
}

/** The orders placed from `from` (inclusive) to `to` (exclusive), oldest first, with their count and total. */
export async function listOrders(
  readModels: ReadModels,
  params: { readonly from: string; readonly to: string; readonly status?: OrderStatus | undefined },
): Promise<{ orders: OrderView[]; count: number; total: string }> {
  const from = new Date(params.from);
  const to = new Date(params.to);
  const problem = (message: string) => new ValidationError(message, [{ path: 'to', message }]);
  if (to.getTime() <= from.getTime()) throw problem('to must be after from');
  const days: string[] = [];
  const day = new Date(from.toISOString().slice(0, 10));
  while (day.getTime() < to.getTime()) {
    if (days.length === MAX_REPORT_DAYS) throw problem(`a report covers at most ${MAX_REPORT_DAYS} days`);
    days.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  const reader = readModels.documents(ordersView);
  const found = (await Promise.all(days.map((d) => reader.find('placedDay', d)))).flat();
  const docs = found
    .filter((doc) => {
      const at = Date.parse(doc.placedAt);
      return at >= from.getTime() && at < to.getTime();
    })
    .filter((doc) => params.status === undefined || doc.status === params.status)
    .sort(byPlacedAt);
  const total = docs.reduce((sum, doc) => sum + doc.total, 0n);
  return { orders: docs.map(toOrderView), count: docs.length, total: formatMoney(total) };
}
