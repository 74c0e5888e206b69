import { given } from '@janus/core/testing';
import { describe, expect, test } from 'vitest';
import {
  CancelOrder,
  ConfirmOrder,
  ConfirmOrderChange,
  OrderCancelled,
  OrderChangeApplied,
  OrderChangeRefused,
  OrderChangeRequested,
  OrderShipped,
  RejectOrderChange,
  ShipOrder,
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

  const newLines = [{ productId: 'tea', quantity: 5, unitPrice: 310n }];
  const requested = OrderChangeRequested({ orderId, revision: 2, lines: newLines, total: 1550n, at });

  test("a confirmed order's change is requested: it keeps its items until the workflow reserved the new", () => {
    const asked = given(order, [placed, confirmed]).when(
      RecordOrderItems({ orderId, lines: newLines }, metadata),
    );
    asked.then([requested]);
    expect(asked.state()).toMatchObject({
      status: 'confirmed',
      revision: 1,
      latestRevision: 2,
      lines,
      pendingChange: { revision: 2, lines: newLines },
    });
  });

  test('a requested change is applied, or refused leaving the order as it was', () => {
    const applied = given(order, [placed, confirmed, requested]).when(
      ConfirmOrderChange({ orderId, revision: 2 }, metadata),
    );
    applied.then([OrderChangeApplied({ orderId, revision: 2, lines: newLines, total: 1550n, at })]);
    expect(applied.state()).toMatchObject({
      status: 'confirmed',
      revision: 2,
      lines: newLines,
      pendingChange: null,
    });
    const refused = given(order, [placed, confirmed, requested]).when(
      RejectOrderChange({ orderId, revision: 2, reason: 'out of stock' }, metadata),
    );
    refused.then([OrderChangeRefused({ orderId, revision: 2, reason: 'out of stock', at })]);
    expect(refused.state()).toMatchObject({ status: 'confirmed', revision: 1, lines, pendingChange: null });
  });

  test('a change superseded by a newer one is neither applied nor refused; the next gets a new revision', () => {
    const again = OrderChangeRequested({ orderId, revision: 3, lines, total: 1020n, at });
    given(order, [placed, confirmed, requested, again])
      .when(ConfirmOrderChange({ orderId, revision: 2 }, metadata))
      .then([]);
    given(order, [placed, confirmed, requested, again])
      .when(RejectOrderChange({ orderId, revision: 2, reason: 'x' }, metadata))
      .then([]);
    const refused = OrderChangeRefused({ orderId, revision: 2, reason: 'out of stock', at });
    given(order, [placed, confirmed, requested, refused])
      .when(RecordOrderItems({ orderId, lines }, metadata))
      .then([OrderChangeRequested({ orderId, revision: 3, lines, total: 1020n, at })]);
  });

  test('a shipped, rejected or cancelled order does not change', () => {
    const shipped = OrderShipped({ orderId, revision: 1, at });
    const rejected = OrderRejected({ orderId, revision: 1, reason: 'out of stock', at });
    const cancelled = OrderCancelled({ orderId, revision: 1, reason: 'x', wasConfirmed: false, at });
    for (const end of [[confirmed, shipped], [rejected], [cancelled]]) {
      given(order, [placed, ...end])
        .when(RecordOrderItems({ orderId, lines }, metadata))
        .thenFails('order-not-changeable');
    }
  });

  test('a confirmed order ships; a placed one, one with a change pending, or one shipped does not', () => {
    given(order, [placed, confirmed])
      .when(ShipOrder({ orderId }, metadata))
      .then([OrderShipped({ orderId, revision: 1, at })]);
    const shipped = OrderShipped({ orderId, revision: 1, at });
    for (const before of [[placed], [placed, confirmed, requested], [placed, confirmed, shipped]]) {
      given(order, before).when(ShipOrder({ orderId }, metadata)).thenFails('order-not-shippable');
    }
    given(order).when(ShipOrder({ orderId }, metadata)).thenFails('not-found');
  });

  test('a shipped order is not cancelled; one with a change pending is', () => {
    given(order, [placed, confirmed, OrderShipped({ orderId, revision: 1, at })])
      .when(CancelOrder({ orderId, reason: 'x' }, metadata))
      .thenFails('order-not-cancellable');
    given(order, [placed, confirmed, requested])
      .when(CancelOrder({ orderId, reason: 'x' }, metadata))
      .then([OrderCancelled({ orderId, revision: 1, reason: 'x', wasConfirmed: true, at })]);
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
