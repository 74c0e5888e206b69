// The catalog's list and the report over HTTP, on a real server: paging (limit, cursor, nextCursor),
// plain dates as whole UTC days, what the report's total counts, and bad paging or dates as 400 problems.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  addProduct,
  after,
  serveShop,
  settled,
  type Answer,
  type Call,
  type TestShop,
} from '../testing/shopServer.js';

let server: TestShop;
beforeAll(async () => {
  server = await serveShop();
});
afterAll(async () => {
  await server.close();
});

function expectProblem(answer: Answer, path: string) {
  expect(answer.status, answer.text).toBe(400);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body.type).toContain('validation-error');
  expect(answer.body.errors).toEqual([expect.objectContaining({ path })]);
}

/** Every page from `first`, following nextCursor; answers the pages' items under `key`. */
async function allPages(call: Call, first: string, key: string, as: 'admin' | 'alice' = 'admin') {
  const pages: unknown[][] = [];
  let cursor: string | null = null;
  do {
    const answer: Answer = await call('GET', cursor === null ? first : `${first}&cursor=${cursor}`, { as });
    expect(answer.status, answer.text).toBe(200);
    pages.push(answer.body[key] as unknown[]);
    cursor = answer.body.nextCursor as string | null;
  } while (cursor !== null);
  return pages;
}

describe('GET /products', () => {
  const ids = ['fig', 'apple', 'date', 'cherry', 'banana'];

  beforeAll(async () => {
    for (const [i, productId] of ids.entries()) {
      await addProduct(server.call, { productId, price: `${i + 1}.50` }, i * 10);
    }
  });

  test('lists every product by id with its price and available stock, a page at a time', async () => {
    const { call } = server;
    const stocked = await call('POST', '/products/fig/stock', { json: { quantity: 1 } });
    const whole = await call('GET', '/products', { headers: after(stocked.body.position) });
    expect(whole.status).toBe(200);
    expect(whole.body).toEqual({
      products: [
        { productId: 'apple', name: 'apple', emoji: null, price: '2.50', available: 10 },
        { productId: 'banana', name: 'banana', emoji: null, price: '5.50', available: 40 },
        { productId: 'cherry', name: 'cherry', emoji: null, price: '4.50', available: 30 },
        { productId: 'date', name: 'date', emoji: null, price: '3.50', available: 20 },
        { productId: 'fig', name: 'fig', emoji: null, price: '1.50', available: 1 },
      ],
      nextCursor: null,
    });
    const pages = await allPages(call, '/products?limit=2', 'products', 'alice');
    expect(pages.map((page) => page.map((p) => (p as { productId: string }).productId))).toEqual([
      ['apple', 'banana'],
      ['cherry', 'date'],
      ['fig'],
    ]);
    // A page that ends exactly at the last product says so.
    expect((await call('GET', '/products?limit=5')).body.nextCursor).toBeNull();
  });

  test('a caller without a key is refused', async () => {
    expect((await server.call('GET', '/products', { as: null })).status).toBe(401);
  });

  test('a limit or a cursor that is not one is a 400 problem', async () => {
    const { call } = server;
    for (const limit of ['0', '501', 'abc', '5e1', '050', '-1', '2.5']) {
      expectProblem(await call('GET', `/products?limit=${limit}`), 'limit');
    }
    const report = await call('GET', '/orders?from=2026-01-01&to=2026-01-02&limit=1');
    for (const cursor of ['nope', 'djE6', 'A'.repeat(300), 'djE6YXBwbGU=', "'%20OR%201=1"]) {
      expectProblem(await call('GET', `/products?cursor=${cursor}`), 'cursor');
    }
    expect(report.status).toBe(200);
  });
});

describe('GET /orders (the report)', () => {
  let placedDay = '';
  const orderIds: string[] = [];

  beforeAll(async () => {
    const { call } = server;
    await addProduct(call, { productId: 'mug', price: '10.00' }, 5);
    // 2 mugs (confirmed), 1 mug (cancelled), 10 mugs (rejected: not enough stock), 1 mug (confirmed).
    for (const quantity of [2, 1, 10, 1]) {
      const placed = await call('POST', '/customers/alice/orders', {
        as: 'alice',
        json: { items: [{ productId: 'mug', quantity }] },
      });
      expect(placed.status, placed.text).toBe(201);
      const order = await settled(call, String(placed.body.orderId));
      placedDay = String(order.placedAt).slice(0, 10);
      orderIds.push(String(placed.body.orderId));
    }
    const cancelled = await call('POST', `/orders/${orderIds[1]}/cancel`, {
      json: { reason: 'changed mind' },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    const read = await call('GET', `/orders/${orderIds[1]}`, { headers: after(cancelled.body.position) });
    expect(read.body.status).toBe('cancelled');
  });

  test('plain dates are whole UTC days: from and to the same day is that day', async () => {
    const { call } = server;
    const day = await call('GET', `/orders?from=${placedDay}&to=${placedDay}`);
    expect(day.status, day.text).toBe(200);
    const orders = day.body.orders as { orderId: string; status: string }[];
    expect(orders.map((o) => o.orderId)).toEqual(orderIds);
    expect(orders.map((o) => o.status)).toEqual(['confirmed', 'cancelled', 'rejected', 'confirmed']);
    // count: every order of the range; total: those that stand (2 + 1 mugs at 10.00), not cancelled or rejected.
    expect(day.body).toMatchObject({ count: 4, total: '30.00', nextCursor: null });

    const next = new Date(Date.parse(`${placedDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const previous = new Date(Date.parse(`${placedDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect((await call('GET', `/orders?from=${previous}&to=${placedDay}`)).body.count).toBe(4);
    expect((await call('GET', `/orders?from=${previous}&to=${previous}`)).body).toEqual({
      orders: [],
      count: 0,
      total: '0.00',
      nextCursor: null,
    });
    expect((await call('GET', `/orders?from=${next}&to=${next}`)).body.count).toBe(0);
    // An instant mixes with a date: from midnight (an instant) to the plain day is the same day.
    expect((await call('GET', `/orders?from=${placedDay}T00:00:00Z&to=${placedDay}`)).body.count).toBe(4);
    // An instant `to` stays exclusive: to midnight of the day holds none of it.
    expect((await call('GET', `/orders?from=${previous}&to=${placedDay}T00:00:00Z`)).body.count).toBe(0);
  });

  test('the total counts the orders of the status asked for that stand', async () => {
    const { call } = server;
    const range = `from=${placedDay}&to=${placedDay}`;
    expect((await call('GET', `/orders?${range}&status=confirmed`)).body).toMatchObject({
      count: 2,
      total: '30.00',
    });
    expect((await call('GET', `/orders?${range}&status=cancelled`)).body).toMatchObject({
      count: 1,
      total: '0.00',
    });
  });

  test('pages oldest first; count and total cover every page', async () => {
    const { call } = server;
    const first = `/orders?from=${placedDay}&to=${placedDay}&limit=3`;
    const page = await call('GET', first);
    expect(page.body).toMatchObject({ count: 4, total: '30.00' });
    const pages = await allPages(call, first, 'orders');
    expect(pages.map((p) => p.map((o) => (o as { orderId: string }).orderId))).toEqual([
      orderIds.slice(0, 3),
      orderIds.slice(3),
    ]);
    const singles = await allPages(call, `/orders?from=${placedDay}&to=${placedDay}&limit=1`, 'orders');
    expect(singles.flat().map((o) => (o as { orderId: string }).orderId)).toEqual(orderIds);
  });

  test('a date, a limit or a cursor that is not one is a 400 problem', async () => {
    const { call } = server;
    for (const [query, path] of [
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['from=2026-12-04&to=2026-12-04T10:00:00', 'to'],
      ['from=20261204&to=2026-12-05', 'from'],
      ['from=2026-12-05&to=2026-12-04', 'to'],
      ['from=2026-12-04T10:00:00Z&to=2026-12-04T10:00:00Z', 'to'],
      ['from=2024-01-01&to=2025-01-01', 'to'],
      ['from=2026-12-04&to=2026-12-05&limit=0', 'limit'],
      ['from=2026-12-04&to=2026-12-05&limit=501', 'limit'],
      ['from=2026-12-04&to=2026-12-05&cursor=nope', 'cursor'],
      ['from=2026-12-04&to=2026-12-05&cursor=djE6YXBwbGU', 'cursor'],
    ] as const) {
      expectProblem(await call('GET', `/orders?${query}`), path);
    }
    // 366 whole days (a leap year) is the most a report covers.
    expect((await call('GET', '/orders?from=2024-01-01&to=2024-12-31')).status).toBe(200);
  });
});
