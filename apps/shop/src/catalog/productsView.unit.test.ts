// The catalog's read model specified with given(projection, …): a product's price, and the units
// available after each inventory event.
import { given } from '@janus/core/testing';
import { describe, test } from 'vitest';
import { StockAdded, StockReleased, StockReservationFailed, StockReserved } from './inventory.js';
import { ProductAdded, ProductPriceChanged } from './product.js';
import { productsView } from './productsView.js';

const at = '2026-05-01T10:00:00.000Z';
const added = ProductAdded({ productId: 'tea', name: 'Tea', price: 400n, emoji: null, at });
const reservation = { productId: 'tea', orderId: 'o1', revision: 1, quantity: 3, at };

describe('productsView', () => {
  test('a product added is available in no units, at its price', () => {
    given(productsView, [added]).thenDocuments({
      tea: { productId: 'tea', name: 'Tea', emoji: null, price: 400n, available: 0, listing: 'catalog' },
    });
  });

  test('a price change keeps the rest', () => {
    given(productsView, [
      added,
      ProductPriceChanged({ productId: 'tea', price: 450n, previousPrice: 400n, at }),
    ]).thenDocument('tea', {
      productId: 'tea',
      name: 'Tea',
      emoji: null,
      price: 450n,
      available: 0,
      listing: 'catalog' as const,
    });
  });

  test('units available follow stock added, reserved and released; a failed reservation changes nothing', () => {
    const stocked = [added, StockAdded({ productId: 'tea', quantity: 10, available: 10, at })];
    const document = (available: number) => ({
      productId: 'tea',
      name: 'Tea',
      emoji: null,
      price: 400n,
      available,
      listing: 'catalog' as const,
    });
    given(productsView, stocked).thenDocument('tea', document(10));
    given(productsView, [...stocked, StockReserved({ ...reservation, available: 7 })]).thenDocument(
      'tea',
      document(7),
    );
    given(productsView, [
      ...stocked,
      StockReserved({ ...reservation, available: 7 }),
      StockReservationFailed({ ...reservation, orderId: 'o2', quantity: 8, available: 7 }),
      StockReleased({ ...reservation, available: 10 }),
    ]).thenDocument('tea', document(10));
  });

  test('stock of a product it does not know leaves no document', () => {
    given(productsView, [StockAdded({ productId: 'ghost', quantity: 1, available: 1, at })]).thenDocuments(
      {},
    );
  });
});
