// Many customers ordering the last units at once, then all changing their confirmed orders at once: the
// inventory decider, appending at the version it read, never sells a unit twice and never lets the stock
// go negative, and a change that cannot be reserved leaves its order as it was.
import type { EventStore } from '@janus/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inventoryStream } from '../fields.js';
import { addProduct, after, allSettled, serveShop, type TestShop } from '../testing/shopServer.js';

const ORDERS = 200;
const UNITS = 50;

let server: TestShop;
beforeAll(async () => {
  server = await serveShop();
});
afterAll(async () => {
  await server.close();
});

/** Reservations minus releases, per the inventory stream itself; each reservation made once, none negative. */
async function held(store: EventStore, productId: string) {
  let reserved = 0;
  let released = 0;
  const made = new Set<string>();
  for (const event of await store.readStream(inventoryStream(productId))) {
    const data = event.data as { quantity?: number; available?: number; orderId?: string; revision?: number };
    const quantity = data.quantity ?? 0;
    expect(data.available ?? 0).toBeGreaterThanOrEqual(0);
    if (event.type === 'shop.StockReserved.v1') {
      const key = `${data.orderId}/${data.revision}`;
      expect(made.has(key), `reserved twice: ${key}`).toBe(false);
      made.add(key);
      reserved += quantity;
    }
    if (event.type === 'shop.StockReleased.v1') released += quantity;
  }
  return { reserved, released };
}

const quantityOf = (order: Record<string, unknown>) =>
  (order.items as { quantity: number }[]).reduce((n, item) => n + item.quantity, 0);

test(`${ORDERS} concurrent orders for ${UNITS} units: exactly ${UNITS} confirmed, every other rejected; then their changes, as many as the stock holds`, async () => {
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
  const afterCancel = await held(server.shop.events, 'last-one');
  expect(afterCancel.reserved - afterCancel.released).toBe(UNITS - 10);

  // The 40 still confirmed all ask for 2 units at once, with 10 free: exactly 10 changes are applied,
  // every other refused with its order as it was (1 unit, still confirmed).
  const kept = confirmed.slice(10).map((o) => String(o.orderId));
  const changes = await Promise.all(
    kept.map((orderId) =>
      call('PUT', `/orders/${orderId}/items`, { json: { items: [{ productId: 'last-one', quantity: 2 }] } }),
    ),
  );
  expect(changes.map((a) => [a.status, a.body.pending])).toEqual(kept.map(() => [200, true]));
  // Every change read as pending before the workflow is waited for.
  const last = Math.max(...changes.map((a) => Number(a.body.position)));
  await call('GET', `/orders/${kept[0]!}`, { headers: after(last) });
  const changed = await allSettled(call, kept);
  const outcomes = kept.map((id) => changed.get(id) ?? {});
  expect(outcomes.every((o) => o.status === 'confirmed')).toBe(true);
  const applied = outcomes.filter((o) => o.change === null);
  const refused = outcomes.filter((o) => (o.change as { status?: string } | null)?.status === 'refused');
  expect(applied).toHaveLength(10);
  expect(applied.every((o) => quantityOf(o) === 2 && o.revision === 2)).toBe(true);
  expect(refused).toHaveLength(kept.length - 10);
  expect(refused.every((o) => quantityOf(o) === 1 && o.revision === 1)).toBe(true);
  const final = await held(server.shop.events, 'last-one');
  expect(final.reserved - final.released).toBe(outcomes.reduce((n, o) => n + quantityOf(o), 0));
  expect(final.reserved - final.released).toBe(UNITS);
  await expect
    .poll(async () => (await call('GET', '/products/last-one')).body.available, { timeout: 10_000 })
    .toBe(0);
});
