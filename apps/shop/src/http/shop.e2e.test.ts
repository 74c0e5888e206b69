// The shop's scenarios over HTTP, on a real server: catalog, cart, orders and their fulfilment,
// authorization, idempotency, the report and the OpenAPI document.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addProduct, after, serveShop, settled, type TestShop } from '../testing/shopServer.js';

let server: TestShop;
beforeAll(async () => {
  server = await serveShop();
});
afterAll(async () => {
  await server.close();
});

const available = async (productId: string, position?: unknown) => {
  const answer = await server.call('GET', `/products/${productId}`, {
    ...(position === undefined ? {} : { headers: after(position) }),
  });
  return answer.body.available;
};

/** Waits until the read model shows `n` units available. */
async function expectAvailable(productId: string, n: number) {
  await expect.poll(() => available(productId), { timeout: 10_000, interval: 20 }).toBe(n);
}

describe('catalog', () => {
  test('a product is added, priced, stocked and read back with money as decimal strings', async () => {
    const { call } = server;
    const added = await call('POST', '/products', {
      json: { productId: 'apple', name: 'Apple', price: '1.5', emoji: '🍎' },
    });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe('/products/apple');
    expect(
      (await call('POST', '/products', { json: { productId: 'apple', name: 'A', price: '1' } })).status,
    ).toBe(409);
    const priced = await call('POST', '/products/apple/price', { json: { price: '2.25' } });
    expect(priced.status).toBe(200);
    const stocked = await call('POST', '/products/apple/stock', { json: { quantity: 10 } });
    expect(stocked.body).toMatchObject({ available: 10 });
    const product = await call('GET', '/products/apple', { headers: after(stocked.body.position) });
    expect(product.body).toEqual({
      productId: 'apple',
      name: 'Apple',
      emoji: '🍎',
      price: '2.25',
      available: 10,
    });
  });

  test('bad input is a 400 problem; an unknown product a 404', async () => {
    const { call } = server;
    const numeric = await call('POST', '/products', { json: { productId: 'x', name: 'X', price: 1 } });
    expect(numeric.status).toBe(400);
    expect(numeric.headers.get('content-type')).toContain('application/problem+json');
    expect(
      (await call('POST', '/products', { json: { productId: 'x', name: 'X', price: '1.234' } })).status,
    ).toBe(400);
    expect((await call('POST', '/products/nope/stock', { json: { quantity: 1 } })).status).toBe(404);
    expect((await call('GET', '/products/nope')).status).toBe(404);
  });

  test('only an admin changes the catalog', async () => {
    const { call } = server;
    const refused = await call('POST', '/products', {
      as: 'alice',
      json: { productId: 'pear', name: 'Pear', price: '1' },
    });
    expect(refused.status).toBe(403);
    expect((await call('GET', '/products/apple', { as: null })).status).toBe(401);
  });
});

describe('cart', () => {
  test('items are added, changed and removed; the cart is priced at the current prices', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'tea', price: '3.10', emoji: '🍵' }, 100);
    await addProduct(call, { productId: 'cake', price: '4.00' }, 100);
    const items = '/customers/alice/cart/items';
    expect((await call('POST', items, { as: 'alice', json: { productId: 'tea', quantity: 2 } })).status).toBe(
      201,
    );
    await call('POST', items, { as: 'alice', json: { productId: 'tea', quantity: 1 } });
    await call('POST', items, { as: 'alice', json: { productId: 'cake', quantity: 5 } });
    expect((await call('PUT', `${items}/cake`, { as: 'alice', json: { quantity: 2 } })).status).toBe(200);
    await call('POST', '/products/tea/price', { json: { price: '3.00' } });
    const cart = await call('GET', '/customers/alice/cart', { as: 'alice' });
    expect(cart.body).toEqual({
      customerId: 'alice',
      items: [
        { productId: 'tea', name: 'tea', emoji: '🍵', quantity: 3, unitPrice: '3.00', lineTotal: '9.00' },
        { productId: 'cake', name: 'cake', emoji: null, quantity: 2, unitPrice: '4.00', lineTotal: '8.00' },
      ],
      total: '17.00',
    });
    expect((await call('DELETE', `${items}/cake`, { as: 'alice' })).status).toBe(200);
    expect((await call('DELETE', `${items}/cake`, { as: 'alice' })).status).toBe(404);
    const unknown = await call('POST', items, { as: 'alice', json: { productId: 'ghost', quantity: 1 } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.type).toContain('unknown-product');
    expect((await call('GET', '/customers/alice/cart', { as: 'bob' })).status).toBe(403);
    expect((await call('POST', items, { as: 'bob', json: { productId: 'tea', quantity: 1 } })).status).toBe(
      403,
    );
  });
});

describe('orders', () => {
  test('an order placed from the cart empties it, is confirmed, and holds its stock', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'mug', price: '12.00' }, 5);
    await call('POST', '/customers/bob/cart/items', { as: 'bob', json: { productId: 'mug', quantity: 2 } });
    const placed = await call('POST', '/customers/bob/orders', { as: 'bob', json: {} });
    expect(placed.status).toBe(201);
    expect(placed.body.total).toBe('24.00');
    const orderId = String(placed.body.orderId);
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);
    expect((await call('GET', '/customers/bob/cart', { as: 'bob' })).body.items).toEqual([]);
    expect((await call('POST', '/customers/bob/orders', { as: 'bob', json: {} })).status).toBe(422);
    const order = await settled(call, orderId);
    expect(order).toMatchObject({ status: 'confirmed', customerId: 'bob', total: '24.00', reason: null });
    expect(order.items).toEqual([{ productId: 'mug', quantity: 2, unitPrice: '12.00', lineTotal: '24.00' }]);
    await expectAvailable('mug', 3);
  });

  test('an order that cannot be reserved in full is rejected, and its reserved lines are released', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'pen', price: '1.00' }, 10);
    await addProduct(call, { productId: 'ink', price: '2.00' }, 1);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: {
        items: [
          { productId: 'pen', quantity: 4 },
          { productId: 'ink', quantity: 2 },
        ],
      },
    });
    expect(placed.status).toBe(201);
    const order = await settled(call, String(placed.body.orderId));
    expect(order.status).toBe('rejected');
    expect(order.reason).toContain("product 'ink'");
    await expectAvailable('pen', 10);
    await expectAvailable('ink', 1);
    const cancel = await call('POST', `/orders/${String(placed.body.orderId)}/cancel`, {
      as: 'alice',
      json: { reason: 'too late' },
    });
    expect(cancel.status).toBe(409);
  });

  test('cancelling a confirmed order releases its stock', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'lamp', price: '30.00' }, 3);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: { items: [{ productId: 'lamp', quantity: 3 }] },
    });
    const orderId = String(placed.body.orderId);
    expect((await settled(call, orderId)).status).toBe('confirmed');
    await expectAvailable('lamp', 0);
    const cancelled = await call('POST', `/orders/${orderId}/cancel`, {
      as: 'alice',
      json: { reason: 'changed my mind' },
    });
    expect(cancelled.status).toBe(200);
    const order = await call('GET', `/orders/${orderId}`, {
      as: 'alice',
      headers: after(cancelled.body.position),
    });
    expect(order.body).toMatchObject({ status: 'cancelled', reason: 'changed my mind' });
    await expectAvailable('lamp', 3);
    // Cancelled, it no longer changes, nor ships.
    const change = await call('PUT', `/orders/${orderId}/items`, {
      as: 'alice',
      json: { items: [{ productId: 'lamp', quantity: 2 }] },
    });
    expect(change.status).toBe(409);
    expect(change.body.type).toContain('order-not-changeable');
    const ship = await call('POST', `/orders/${orderId}/ship`, { json: {} });
    expect(ship.status).toBe(409);
    expect(ship.body.type).toContain('order-not-shippable');
  });

  test('a confirmed order changes: what it adds is reserved, what it removes released', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'quill', price: '1.00' }, 10);
    await addProduct(call, { productId: 'inkwell', price: '4.00' }, 5);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: { items: [{ productId: 'quill', quantity: 4 }] },
    });
    const orderId = String(placed.body.orderId);
    expect((await settled(call, orderId)).status).toBe('confirmed');
    const change = await call('PUT', `/orders/${orderId}/items`, {
      as: 'alice',
      json: {
        items: [
          { productId: 'quill', quantity: 1 },
          { productId: 'inkwell', quantity: 2 },
        ],
      },
    });
    expect(change.status).toBe(200);
    // The change is read, pending, before the workflow is waited for.
    await call('GET', `/orders/${orderId}`, { headers: after(change.body.position) });
    expect(change.body).toMatchObject({ revision: 2, total: '9.00', pending: true });
    const order = await settled(call, orderId);
    expect(order).toMatchObject({ status: 'confirmed', revision: 2, total: '9.00', change: null });
    await expectAvailable('quill', 9);
    await expectAvailable('inkwell', 3);
  });

  test("a confirmed order's change that cannot be reserved leaves it as it was, and says so", async () => {
    const { call } = server;
    await addProduct(call, { productId: 'jug', price: '6.00' }, 3);
    await addProduct(call, { productId: 'platter', price: '9.00' }, 1);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: { items: [{ productId: 'jug', quantity: 2 }] },
    });
    const orderId = String(placed.body.orderId);
    const before = await settled(call, orderId);
    expect(before.status).toBe('confirmed');
    const change = await call('PUT', `/orders/${orderId}/items`, {
      as: 'alice',
      json: {
        items: [
          { productId: 'platter', quantity: 1 },
          { productId: 'jug', quantity: 5 },
        ],
      },
    });
    expect(change.status).toBe(200);
    // The change is read, pending, before the workflow is waited for.
    await call('GET', `/orders/${orderId}`, { headers: after(change.body.position) });
    const order = await settled(call, orderId);
    expect(order).toMatchObject({
      status: 'confirmed',
      revision: 1,
      items: before.items,
      total: '12.00',
      change: {
        revision: 2,
        status: 'refused',
        total: '39.00',
        reason: "out of stock: 3 more of product 'jug' wanted, 1 available",
      },
    });
    // Still confirmed with its old items: nothing it held was released, the tray it got is given back.
    await expectAvailable('jug', 1);
    await expectAvailable('platter', 1);
  });

  test('staff ship a confirmed order; then it neither changes nor is cancelled', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'box', price: '3.00' }, 4);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: { items: [{ productId: 'box', quantity: 3 }] },
    });
    const orderId = String(placed.body.orderId);
    expect((await settled(call, orderId)).status).toBe('confirmed');
    expect((await call('POST', `/orders/${orderId}/ship`, { as: 'alice', json: {} })).status).toBe(403);
    const shipped = await call('POST', `/orders/${orderId}/ship`, { json: {} });
    expect(shipped.status).toBe(200);
    expect(Object.keys(shipped.body)).toEqual(['position']);
    const order = await call('GET', `/orders/${orderId}`, { headers: after(shipped.body.position) });
    expect(order.body.status).toBe('shipped');
    const again = await call('POST', `/orders/${orderId}/ship`, { json: {} });
    expect(again.status).toBe(409);
    expect(again.body.type).toContain('order-not-shippable');
    const change = await call('PUT', `/orders/${orderId}/items`, {
      as: 'alice',
      json: { items: [{ productId: 'box', quantity: 1 }] },
    });
    expect(change.status).toBe(409);
    expect(change.body.type).toContain('order-not-changeable');
    const cancel = await call('POST', `/orders/${orderId}/cancel`, { as: 'alice', json: { reason: 'x' } });
    expect(cancel.status).toBe(409);
    expect(cancel.body.type).toContain('order-not-cancellable');
    // Shipped stock has left: none of it comes back.
    await expectAvailable('box', 1);
  });

  test("another customer's order is a 404; a customer lists its own orders by status", async () => {
    const { call } = server;
    await addProduct(call, { productId: 'sock', price: '0.99' }, 1);
    const placed = await call('POST', '/customers/bob/orders', {
      as: 'bob',
      json: { items: [{ productId: 'sock', quantity: 1 }] },
    });
    const orderId = String(placed.body.orderId);
    await settled(call, orderId);
    const foreign = await call('GET', `/orders/${orderId}`, { as: 'alice' });
    const missing = await call('GET', '/orders/no-such-order', { as: 'alice' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toBe(`order '${orderId}' does not exist`);
    expect(missing.status).toBe(404);
    expect(
      (await call('POST', `/orders/${orderId}/cancel`, { as: 'alice', json: { reason: 'x' } })).status,
    ).toBe(404);
    const confirmed = await call('GET', '/customers/bob/orders?status=confirmed', { as: 'bob' });
    expect((confirmed.body.orders as { orderId: string }[]).map((o) => o.orderId)).toContain(orderId);
    const rejected = await call('GET', '/customers/bob/orders?status=rejected', { as: 'bob' });
    expect((rejected.body.orders as { orderId: string }[]).map((o) => o.orderId)).not.toContain(orderId);
    expect((await call('GET', '/customers/bob/orders', { as: 'alice' })).status).toBe(403);
  });

  test('the report lists the orders placed in a range, with their count and total (admin only)', async () => {
    const { call } = server;
    const from = new Date(Date.now() - 60_000).toISOString();
    await addProduct(call, { productId: 'book', price: '10.00' }, 10);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: { items: [{ productId: 'book', quantity: 2 }] },
    });
    await settled(call, String(placed.body.orderId));
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await call('GET', `/orders?from=${from}&to=${to}`);
    expect(report.status).toBe(200);
    const orders = report.body.orders as { orderId: string; status: string; total: string }[];
    expect(orders.map((o) => o.orderId)).toContain(placed.body.orderId);
    expect(report.body.count).toBe(orders.length);
    const standing = orders.filter((o) => o.status !== 'rejected' && o.status !== 'cancelled');
    const cents = standing.reduce((sum, o) => sum + Math.round(Number(o.total) * 100), 0);
    expect(report.body.total).toBe((cents / 100).toFixed(2));
    const past = await call('GET', '/orders?from=2001-01-01T00:00:00Z&to=2001-02-01T00:00:00Z');
    expect(past.body).toEqual({ orders: [], count: 0, total: '0.00', nextCursor: null });
    expect((await call('GET', `/orders?from=${from}&to=${to}`, { as: 'alice' })).status).toBe(403);
    expect((await call('GET', '/orders?from=2001-01-01T00:00:00Z&to=2003-01-01T00:00:00Z')).status).toBe(400);
  });

  test('the items of a just placed order change: the new items are reserved, the old released', async () => {
    const { call } = server;
    // The change races the workflow: it comes before the confirmation (revision 2 is reserved, revision 1
    // released) or after it (what it adds is reserved). Either way the order ends with the new items.
    await addProduct(call, { productId: 'kite', price: '5.00' }, 10);
    const placed = await call('POST', '/customers/alice/orders', {
      as: 'alice',
      json: { items: [{ productId: 'kite', quantity: 2 }] },
    });
    const orderId = String(placed.body.orderId);
    const change = await call('PUT', `/orders/${orderId}/items`, {
      as: 'alice',
      json: { items: [{ productId: 'kite', quantity: 5 }] },
    });
    const order = await settled(call, orderId);
    expect(change.status).toBe(200);
    expect(change.body).toMatchObject({ revision: 2, total: '25.00' });
    expect(order).toMatchObject({ status: 'confirmed', revision: 2, total: '25.00', change: null });
    await expectAvailable('kite', 5);
  });

  test('a retry with the same Idempotency-Key places one order and answers the first answer again', async () => {
    const { call } = server;
    await addProduct(call, { productId: 'cup', price: '2.00' }, 10);
    const send = () =>
      call('POST', '/customers/alice/orders', {
        as: 'alice',
        json: { items: [{ productId: 'cup', quantity: 1 }] },
        headers: { 'idempotency-key': 'order-cup-1' },
      });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    await settled(call, String(first.body.orderId));
    await expectAvailable('cup', 9);
  });
});

test('the OpenAPI document lists every route', async () => {
  const doc = await server.call('GET', '/openapi.json');
  const paths = Object.keys(doc.body.paths as object);
  expect(paths).toEqual(
    expect.arrayContaining([
      '/products',
      '/products/{productId}',
      '/products/{productId}/price',
      '/products/{productId}/stock',
      '/customers/{customerId}/cart',
      '/customers/{customerId}/cart/items',
      '/customers/{customerId}/cart/items/{productId}',
      '/customers/{customerId}/orders',
      '/orders',
      '/orders/{orderId}',
      '/orders/{orderId}/items',
      '/orders/{orderId}/cancel',
    ]),
  );
  expect((await server.call('GET', '/metrics')).status).toBe(200);
});
