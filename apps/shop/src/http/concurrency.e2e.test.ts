// Many customers ordering the last units at once: the inventory decider, appending at the version it
// read, never sells a unit twice and never lets the stock go negative.
import type { EventStore } from '@janus/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inventoryStream } from '../fields.js';
import { addProduct, allSettled, serveShop, type TestShop } from '../testing/shopServer.js';

const ORDERS = 200;
const UNITS = 50;

let server: TestShop;
beforeAll(async () => {
  server = await serveShop();
});
afterAll(async () => {
  await server.close();
});

/** Reservations minus releases, per the inventory stream itself. */
async function held(store: EventStore, productId: string) {
  let reserved = 0;
  let released = 0;
  for (const event of await store.readStream(inventoryStream(productId))) {
    const quantity = (event.data as { quantity?: number }).quantity ?? 0;
    if (event.type === 'shop.StockReserved.v1') reserved += quantity;
    if (event.type === 'shop.StockReleased.v1') released += quantity;
  }
  return { reserved, released };
}

test(`${ORDERS} concurrent orders for ${UNITS} units: exactly ${UNITS} confirmed, every other rejected`, async () => {
  const { call } = server;
  await addProduct(call, { productId: 'last-one', price: '9.99' }, UNITS);
  const placed = await Promise.all(
    Array.from({ length: ORDERS }, (_, i) =>
      call('POST', `/customers/${i % 2 === 0 ? 'alice' : 'bob'}/orders`, {
        as: i % 2 === 0 ? 'alice' : 'bob',
        json: { items: [{ productId: 'last-one', quantity: 1 }] },
      }),
    ),
  );
  expect(placed.map((a) => a.status)).toEqual(Array.from({ length: ORDERS }, () => 201));
  const ids = placed.map((a) => String(a.body.orderId));
  const settledOrders = await allSettled(call, ids);
  const orders = ids.map((id) => settledOrders.get(id) ?? {});
  const confirmed = orders.filter((o) => o.status === 'confirmed');
  const rejected = orders.filter((o) => o.status === 'rejected');
  expect(confirmed).toHaveLength(UNITS);
  expect(rejected).toHaveLength(ORDERS - UNITS);
  // Units sold: the confirmed orders' quantities.
  const sold = confirmed.reduce((n, o) => n + (o.items as { quantity: number }[])[0]!.quantity, 0);
  expect(sold).toBe(UNITS);

  const { reserved, released } = await held(server.shop.events, 'last-one');
  expect(reserved - released).toBe(sold);
  await expect
    .poll(async () => (await call('GET', '/products/last-one')).body.available, { timeout: 10_000 })
    .toBe(UNITS - sold);

  // Cancelling half the confirmed orders puts their units back.
  const cancelled = await Promise.all(
    confirmed
      .slice(0, 10)
      .map((o) => call('POST', `/orders/${String(o.orderId)}/cancel`, { json: { reason: 'stock check' } })),
  );
  expect(cancelled.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 200));
  await expect
    .poll(async () => (await call('GET', '/products/last-one')).body.available, { timeout: 10_000 })
    .toBe(10);
  const after = await held(server.shop.events, 'last-one');
  expect(after.reserved - after.released).toBe(UNITS - 10);
});
