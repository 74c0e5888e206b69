import { fold, isRejection } from '@janus/core';
import { describe, expect, test } from 'vitest';
import { CartCheckedOut, CartItemAdded, cart } from '../carts/cart.js';
import { OrderPlaced, RecordOrder, order } from './order.js';
import { orderPlacement } from './orderPlacement.js';

const at = '2026-05-01T10:00:00.000Z';
const lines = [
  { productId: 'tea', quantity: 2, unitPrice: 310n },
  { productId: 'cake', quantity: 1, unitPrice: 400n },
];
const record = (fromCart: boolean) =>
  RecordOrder({ orderId: 'o1', customerId: 'alice', lines, fromCart }, { timestamp: at });
const placed = (fromCart: boolean) =>
  OrderPlaced({ orderId: 'o1', customerId: 'alice', revision: 1, lines, total: 1020n, fromCart, at });
const added = (productId: string, quantity: number) =>
  CartItemAdded({ customerId: 'alice', productId, quantity, at });
const aliceCart = fold(cart, [added('tea', 2), added('cake', 1)]);
const none = order.initialState();

describe('placing an order', () => {
  test('from the cart: reads the order and the cart, records the order and checks the cart out', () => {
    const command = record(true);
    expect(Object.values(orderPlacement.streams(command)).map((s) => s.streamId)).toEqual([
      'shop-order-o1',
      'shop-cart-alice',
    ]);
    expect(orderPlacement.decide(command, { order: none, cart: aliceCart })).toEqual({
      order: [placed(true)],
      cart: [CartCheckedOut({ customerId: 'alice', orderId: 'o1', at })],
    });
  });

  test('with its own items: the order’s stream only', () => {
    const command = record(false);
    expect(Object.keys(orderPlacement.streams(command))).toEqual(['order']);
    expect(orderPlacement.decide(command, { order: none })).toEqual({ order: [placed(false)] });
  });

  test('a cart that holds other items than were priced is refused, to be priced again', () => {
    const changed = fold(cart, [added('tea', 3), added('cake', 1)]);
    const decision = orderPlacement.decide(record(true), { order: none, cart: changed });
    expect(isRejection(decision) && [decision.code, decision.events]).toEqual(['cart-changed', []]);
  });

  test('an order that exists already is refused', () => {
    const exists = fold(order, [placed(false)]);
    const decision = orderPlacement.decide(record(true), { order: exists, cart: aliceCart });
    expect(isRejection(decision) && decision.code).toBe('order-exists');
  });
});
