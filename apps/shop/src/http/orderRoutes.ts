// Orders over HTTP: place, change, cancel, ship, read, list, report.
import { PageCursor, PageLimit, commandRoute, jsonPosition, queryRoute, serverId } from '@janus/http';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { DateOrInstant } from '../dateRange.js';
import { CustomerId, Items, OrderId } from '../fields.js';
import {
  CancelOrder,
  ChangeOrderItems,
  OrderStatus,
  PlaceOrder,
  Reason,
  ShipOrder,
} from '../orders/order.js';
import { GetOrder, ListCustomerOrders, ListOrders } from '../orders/orderQueries.js';
import { ordersView } from '../orders/ordersView.js';
import { OrderAnswer, OrderListAnswer, PlacedAnswer, PositionAnswer, ReportAnswer } from './schemas.js';

const tags = ['orders'];
const OrderPath = z.object({ orderId: OrderId });
const projections = [ordersView.name];

export const orderRoutes = [
  commandRoute({
    url: '/customers/:customerId/orders',
    command: PlaceOrder,
    params: z.object({ customerId: CustomerId }),
    body: z.strictObject({ items: Items.optional() }),
    status: 201,
    tags,
    summary: 'Place an order, from the cart or from a list of items',
    description:
      'Without `items` the order is the cart, which is emptied in the same transaction (an empty cart: ' +
      '422 `cart-empty`). Lines are priced at the current prices. The order starts `placed`; the ' +
      'fulfilment workflow then reserves stock for every line and confirms it, or rejects it (and ' +
      'releases what it had reserved) when a line cannot be reserved. Poll `GET /orders/{orderId}`. ' +
      'Answers `Location: /orders/<orderId>`.',
    response: PlacedAnswer,
    errors: ['cart-empty', 'unknown-product'],
    toData: ({ params, body, messageId }) => ({
      orderId: serverId(messageId, 'order'),
      customerId: params.customerId,
      ...(body.items === undefined ? {} : { items: body.items }),
    }),
    toResponse: (result) => ({
      body: {
        orderId: result.orderId,
        total: formatMoney(result.total),
        position: jsonPosition(result.position),
      },
      headers: { location: `/orders/${result.orderId}` },
    }),
  }),
  commandRoute({
    method: 'PUT',
    url: '/orders/:orderId/items',
    command: ChangeOrderItems,
    params: OrderPath,
    body: z.strictObject({ items: Items }),
    tags,
    summary: 'Change the items of an order that has not shipped',
    description:
      'A `placed` or `confirmed` order (shipped, rejected or cancelled: 409 `order-not-changeable`). The ' +
      'new items are priced at the current prices and make a new `revision`. A placed order takes them at ' +
      'once; the workflow reserves them anew and releases what the old items held. A confirmed order keeps ' +
      'its items and stays confirmed while the workflow reserves what the change adds (`pending: true`; ' +
      "the order's `change` shows it): then the change is applied and what it removes released, or, when " +
      'an addition cannot be reserved, refused: `change.status` is `refused` with the reason, and the ' +
      'order keeps its old items, still confirmed, nothing released.',
    response: z.object({
      revision: z.number().int(),
      total: z.string(),
      pending: z.boolean().meta({ description: 'true: a confirmed order, the change not applied yet' }),
      position: z.number().int(),
    }),
    errors: ['order-not-changeable', 'unknown-product'],
    toData: ({ params, body }) => ({ orderId: params.orderId, items: body.items }),
    toResponse: (result) => ({
      body: {
        revision: result.revision,
        total: formatMoney(result.total),
        pending: result.pending,
        position: jsonPosition(result.position),
      },
    }),
  }),
  commandRoute({
    url: '/orders/:orderId/cancel',
    command: CancelOrder,
    params: OrderPath,
    body: z.strictObject({ reason: Reason }),
    tags,
    summary: 'Cancel an order, with a reason',
    description:
      'A placed or confirmed order (a change pending included); all the stock it holds is released. A ' +
      'shipped, rejected or cancelled order: 409 `order-not-cancellable`.',
    response: PositionAnswer,
    errors: ['order-not-cancellable'],
    toData: ({ params, body }) => ({ orderId: params.orderId, reason: body.reason }),
    toResponse: (result) => ({ body: { position: jsonPosition(result.position) } }),
  }),
  commandRoute({
    url: '/orders/:orderId/ship',
    command: ShipOrder,
    params: OrderPath,
    body: z.strictObject({}),
    tags,
    summary: 'Ship a confirmed order (admin)',
    description:
      'The stock it holds leaves the shop. Any other order (placed, shipped, rejected, cancelled, or ' +
      'confirmed with a change pending): 409 `order-not-shippable`.',
    response: PositionAnswer,
    errors: ['order-not-shippable'],
    toData: ({ params }) => ({ orderId: params.orderId }),
    toResponse: (result) => ({ body: { position: jsonPosition(result.position) } }),
  }),
  queryRoute({
    url: '/orders/:orderId',
    query: GetOrder,
    params: OrderPath,
    projections,
    tags,
    summary:
      'An order: status (placed, confirmed, shipped, rejected, cancelled), items, total, reason, change',
    response: OrderAnswer,
    toData: ({ params }) => ({ orderId: params.orderId }),
  }),
  queryRoute({
    url: '/customers/:customerId/orders',
    query: ListCustomerOrders,
    params: z.object({ customerId: CustomerId }),
    querystring: z.object({ status: OrderStatus.optional() }),
    projections,
    tags,
    summary: "A customer's orders, oldest first, optionally of one status",
    response: OrderListAnswer,
    toData: ({ params, query }) => ({ customerId: params.customerId, status: query.status }),
  }),
  queryRoute({
    url: '/orders',
    query: ListOrders,
    querystring: z.object({
      from: DateOrInstant,
      to: DateOrInstant,
      status: OrderStatus.optional(),
      limit: PageLimit.optional(),
      cursor: PageCursor.optional(),
    }),
    projections,
    tags,
    summary: 'The report: orders placed in a range, a page at a time, with their count and total (admin)',
    description:
      '`from` and `to` are ISO 8601 instants (`from` inclusive, `to` exclusive) or plain dates, whole UTC ' +
      'days with both ends included (`from=2026-12-04&to=2026-12-04` is that day); at most 366 days. ' +
      'Orders come oldest first (by `placedAt`, then `orderId`); `limit` 1-500 (default 50), pass ' +
      '`nextCursor` as `cursor` for the next page (null on the last). `count` is how many orders the ' +
      'whole range holds (of `status`, when given); `total` sums those of them that stand: every status ' +
      'but `rejected` and `cancelled`. Both cover every page.',
    response: ReportAnswer,
    toData: ({ query }) => ({
      from: query.from,
      to: query.to,
      status: query.status,
      limit: query.limit ?? 50,
      cursor: query.cursor,
    }),
  }),
];
