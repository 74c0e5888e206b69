import { given } from '@janus/core/testing';
import { describe, expect, test } from 'vitest';
import {
  CancelOrder,
  ConfirmOrder,
  OrderCancelled,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  RecordOrder,
  RecordOrderItems,
  RejectOrder,
  order,
} from './order.js';

const at = '2026-05-01T10:00:00.000Z';
const metadata = { timestamp: at };
const orderId = 'o1';
const lines = [
  { productId: 'tea', quantity: 2, unitPrice: 310n },
  { productId: 'cake', quantity: 1, unitPrice: 400n },
];
const placed = OrderPlaced({
  orderId,
  customerId: 'alice',
  revision: 1,
  lines,
  total: 1020n,
  fromCart: false,
  at,
});
const confirmed = OrderConfirmed({ orderId, revision: 1, at });

describe('order', () => {
  test('an order is placed with its lines and total', () => {
    given(order)
      .when(RecordOrder({ orderId, customerId: 'alice', lines, fromCart: false }, metadata))
      .then([placed]);
  });

  test('an order id is used once', () => {
    given(order, [placed])
      .when(RecordOrder({ orderId, customerId: 'alice', lines, fromCart: false }, metadata))
      .thenFails('order-exists');
  });

  test("a pending order's items change: a new revision", () => {
    const newLines = [{ productId: 'tea', quantity: 1, unitPrice: 300n }];
    given(order, [placed])
      .when(RecordOrderItems({ orderId, lines: newLines }, metadata))
      .then([OrderItemsChanged({ orderId, revision: 2, lines: newLines, total: 300n, at })]);
  });

  test("a confirmed order's items do not change", () => {
    given(order, [placed, confirmed])
      .when(RecordOrderItems({ orderId, lines }, metadata))
      .thenFails('order-not-pending');
  });

  test('the workflow confirms or rejects the current revision of a pending order', () => {
    given(order, [placed])
      .when(ConfirmOrder({ orderId, revision: 1 }, metadata))
      .then([confirmed]);
    given(order, [placed])
      .when(RejectOrder({ orderId, revision: 1, reason: 'out of stock' }, metadata))
      .then([OrderRejected({ orderId, revision: 1, reason: 'out of stock', at })]);
  });

  test('a confirmation of an old revision, or of an order no longer pending, does nothing', () => {
    const changed = OrderItemsChanged({ orderId, revision: 2, lines, total: 1020n, at });
    given(order, [placed, changed])
      .when(ConfirmOrder({ orderId, revision: 1 }, metadata))
      .then([]);
    given(order, [placed, confirmed])
      .when(ConfirmOrder({ orderId, revision: 1 }, metadata))
      .then([]);
    const cancelled = OrderCancelled({ orderId, revision: 1, reason: 'x', wasConfirmed: false, at });
    given(order, [placed, cancelled])
      .when(RejectOrder({ orderId, revision: 1, reason: 'out of stock' }, metadata))
      .then([]);
  });

  test('a placed or confirmed order is cancelled; a rejected one is not', () => {
    given(order, [placed, confirmed])
      .when(CancelOrder({ orderId, reason: 'changed my mind' }, metadata))
      .then([OrderCancelled({ orderId, revision: 1, reason: 'changed my mind', wasConfirmed: true, at })]);
    const rejected = OrderRejected({ orderId, revision: 1, reason: 'out of stock', at });
    given(order, [placed, rejected])
      .when(CancelOrder({ orderId, reason: 'x' }, metadata))
      .thenFails('order-not-cancellable');
    given(order)
      .when(CancelOrder({ orderId, reason: 'x' }, metadata))
      .thenFails('not-found');
  });

  test('the state follows the events', () => {
    const state = given(order, [placed])
      .when(ConfirmOrder({ orderId, revision: 1 }, metadata))
      .state();
    expect(state).toMatchObject({ status: 'confirmed', revision: 1, customerId: 'alice' });
  });
});
