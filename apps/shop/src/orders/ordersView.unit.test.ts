// The orders read model specified with given(projection, …): the document each order event leaves, and
// the customer and day indexes the queries read.
import { given } from '@janus/core/testing';
import { describe, expect, test } from 'vitest';
import {
  OrderCancelled,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  type OrderLine,
} from './order.js';
import { ordersView, toOrderView, type OrderDocument } from './ordersView.js';

const placedAt = '2026-05-01T23:59:00.000Z';
const later = '2026-05-02T08:00:00.000Z';
const tea: OrderLine = { productId: 'tea', quantity: 3, unitPrice: 400n };
const cake: OrderLine = { productId: 'cake', quantity: 1, unitPrice: 250n };

const placed = (orderId = 'o1', customerId = 'alice', at = placedAt) =>
  OrderPlaced({ orderId, customerId, revision: 1, lines: [tea, cake], total: 1450n, fromCart: true, at });

const placedDocument: OrderDocument = {
  orderId: 'o1',
  customerId: 'alice',
  status: 'placed',
  revision: 1,
  lines: [tea, cake],
  total: 1450n,
  reason: null,
  placedAt,
  placedDay: '2026-05-01',
  updatedAt: placedAt,
};

describe('ordersView', () => {
  test('an order placed is a document with its lines, total and the UTC day it was placed', () => {
    given(ordersView, [placed()]).thenDocuments({ o1: placedDocument });
  });

  test('its items changed: the new revision, lines and total; placed when it was', () => {
    given(ordersView, [
      placed(),
      OrderItemsChanged({ orderId: 'o1', revision: 2, lines: [cake], total: 250n, at: later }),
    ]).thenDocument('o1', { ...placedDocument, revision: 2, lines: [cake], total: 250n, updatedAt: later });
  });

  test('confirmed, rejected or cancelled: the status, and the reason when there is one', () => {
    const confirmed = OrderConfirmed({ orderId: 'o1', revision: 1, at: later });
    given(ordersView, [placed(), confirmed]).thenDocument('o1', {
      ...placedDocument,
      status: 'confirmed',
      updatedAt: later,
    });
    const rejected = OrderRejected({ orderId: 'o1', revision: 1, reason: 'out of stock', at: later });
    given(ordersView, [placed(), rejected]).thenDocument('o1', {
      ...placedDocument,
      status: 'rejected',
      reason: 'out of stock',
      updatedAt: later,
    });
    const cancelled = OrderCancelled({
      orderId: 'o1',
      revision: 1,
      reason: 'oops',
      wasConfirmed: true,
      at: later,
    });
    given(ordersView, [placed(), confirmed, cancelled]).thenDocument('o1', {
      ...placedDocument,
      status: 'cancelled',
      reason: 'oops',
      updatedAt: later,
    });
  });

  test('an event for an order it never saw placed leaves no document', () => {
    given(ordersView, [OrderConfirmed({ orderId: 'ghost', revision: 1, at: later })]).thenDocuments({});
  });

  test('orders are found by customer and by the day placed', () => {
    const spec = given(ordersView, [
      placed('o1', 'alice'),
      placed('o2', 'bob'),
      placed('o3', 'alice', later),
      OrderConfirmed({ orderId: 'o3', revision: 1, at: later }),
    ]);
    spec.thenFinds('customerId', 'alice', ['o1', 'o3']);
    spec.thenFinds('placedDay', '2026-05-01', ['o1', 'o2']);
    spec.thenFinds('placedDay', '2026-05-02', ['o3']);
  });

  test('the document reads as the contract writes an order: money as decimal strings', () => {
    const doc = given(ordersView, [placed()]).documents().o1;
    expect(doc && toOrderView(doc)).toMatchObject({
      total: '14.50',
      items: [
        { productId: 'tea', quantity: 3, unitPrice: '4.00', lineTotal: '12.00' },
        { productId: 'cake', quantity: 1, unitPrice: '2.50', lineTotal: '2.50' },
      ],
    });
  });
});
