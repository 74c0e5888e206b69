import { given } from '@janus/core/testing';
import { describe, test } from 'vitest';
import {
  AddCartItem,
  CartCheckedOut,
  CartItemAdded,
  CartItemQuantityChanged,
  CartItemRemoved,
  ChangeCartItemQuantity,
  RemoveCartItem,
  cart,
} from './cart.js';

const at = '2026-05-01T10:00:00.000Z';
const metadata = { timestamp: at };
const customerId = 'alice';
const added = (productId: string, quantity: number) => CartItemAdded({ customerId, productId, quantity, at });

describe('cart', () => {
  test('a new product is added as a line', () => {
    given(cart)
      .when(AddCartItem({ customerId, productId: 'tea', quantity: 2 }, metadata))
      .then([added('tea', 2)]);
  });

  test('a product already in the cart gets the quantity added', () => {
    given(cart, [added('tea', 2)])
      .when(AddCartItem({ customerId, productId: 'tea', quantity: 3 }, metadata))
      .then([CartItemQuantityChanged({ customerId, productId: 'tea', quantity: 5, at })]);
  });

  test('at most 10000 of one product', () => {
    given(cart, [added('tea', 9_999)])
      .when(AddCartItem({ customerId, productId: 'tea', quantity: 2 }, metadata))
      .thenFails('quantity-too-large');
  });

  test('a quantity changes; the same quantity is no change', () => {
    given(cart, [added('tea', 2)])
      .when(ChangeCartItemQuantity({ customerId, productId: 'tea', quantity: 7 }, metadata))
      .then([CartItemQuantityChanged({ customerId, productId: 'tea', quantity: 7, at })]);
    given(cart, [added('tea', 2)])
      .when(ChangeCartItemQuantity({ customerId, productId: 'tea', quantity: 2 }, metadata))
      .then([]);
  });

  test('an item is removed; one not in the cart is not found', () => {
    given(cart, [added('tea', 2)])
      .when(RemoveCartItem({ customerId, productId: 'tea' }, metadata))
      .then([CartItemRemoved({ customerId, productId: 'tea', at })]);
    given(cart, [added('tea', 2)])
      .when(RemoveCartItem({ customerId, productId: 'cake' }, metadata))
      .thenFails('not-found');
  });

  test('a checked-out cart is empty', () => {
    given(cart, [added('tea', 2), CartCheckedOut({ customerId, orderId: 'o1', at })])
      .when(ChangeCartItemQuantity({ customerId, productId: 'tea', quantity: 1 }, metadata))
      .thenFails('not-found');
  });
});
