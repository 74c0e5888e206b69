import {
  NotFoundError,
  ValidationError,
  decodeCursor,
  pageFrom,
  query,
  returns,
  type ReadModels,
} from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { DateOrInstant, dateRange } from '../dateRange.js';
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

/** The report: one page of the orders in a range, and the count and total of the whole range. */
export interface OrderReport {
  /** Oldest first (by placedAt, then orderId). */
  readonly orders: readonly OrderView[];
  /** How many orders the whole range holds (every page), of the status asked for or of any status. */
  readonly count: number;
  /** The sum of the totals of those orders that stand: every status but rejected and cancelled. */
  readonly total: string;
  /** Pass it as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export const ListOrders = query(
  'shop.ListOrders',
  z.object({
    from: DateOrInstant,
    to: DateOrInstant,
    status: OrderStatus.optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(50),
    cursor: z.string().optional(),
  }),
  returns<OrderReport>(),
);

/** Orders the report's total leaves out: they bring no money in. */
const NOT_COUNTED_IN_TOTAL: readonly string[] = ['rejected', 'cancelled'];

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

// A report cursor names the last order a page showed by its sort key: `<placedAt> <orderId>`.
const reportKey = (doc: OrderDocument) => `${doc.placedAt} ${doc.orderId}`;
const REPORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z [A-Za-z0-9_-]{1,64}$/;

/**
 * The orders placed from `from` (inclusive) to `to` (exclusive; a plain date includes its day), oldest
 * first, a page at a time, with the count and total of the whole range.
 */
export async function listOrders(
  readModels: ReadModels,
  params: {
    readonly from: string;
    readonly to: string;
    readonly status?: OrderStatus | undefined;
    readonly limit?: number;
    readonly cursor?: string | undefined;
  },
): Promise<OrderReport> {
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor, REPORT_KEY);
  const range = dateRange(params.from, params.to);
  const problem = (message: string) => new ValidationError(message, [{ path: 'to', message }]);
  if (range.to <= range.from) throw problem('to must be after from');
  const days: string[] = [];
  const day = new Date(new Date(range.from).toISOString().slice(0, 10));
  while (day.getTime() < range.to) {
    if (days.length === MAX_REPORT_DAYS) throw problem(`a report covers at most ${MAX_REPORT_DAYS} days`);
    days.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  const reader = readModels.documents(ordersView);
  const found = (await Promise.all(days.map((d) => reader.find('placedDay', d)))).flat();
  const docs = found
    .filter((doc) => {
      const at = Date.parse(doc.placedAt);
      return at >= range.from && at < range.to;
    })
    .filter((doc) => params.status === undefined || doc.status === params.status)
    .sort(byPlacedAt);
  const total = docs
    .filter((doc) => !NOT_COUNTED_IN_TOTAL.includes(doc.status))
    .reduce((sum, doc) => sum + doc.total, 0n);
  const rest = after === undefined ? docs : docs.filter((doc) => reportKey(doc) > after);
  const page = pageFrom(rest, params.limit ?? 50, reportKey);
  return {
    orders: page.items.map(toOrderView),
    count: docs.length,
    total: formatMoney(total),
    nextCursor: page.nextCursor,
  };
}
