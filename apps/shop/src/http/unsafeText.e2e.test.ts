// Names and reasons with a lone surrogate or a bidirectional control were stored as sent; now each is a
// 400 naming the field, and nothing is stored.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addProduct, serveShop, settled, type TestShop } from '../testing/shopServer.js';

let server: TestShop;
let orderId: string;
beforeAll(async () => {
  server = await serveShop();
  await addProduct(server.call, { productId: 'mug', price: '12.00' }, 5);
  const placed = await server.call('POST', '/customers/alice/orders', {
    as: 'alice',
    json: { items: [{ productId: 'mug', quantity: 1 }] },
  });
  orderId = String(placed.body.orderId);
  await settled(server.call, orderId);
});
afterAll(() => server.close());

test.each([
  ['a lone surrogate', 'Mug \ud800'],
  ['a right-to-left override', 'Mug \u202e99'],
  ['an isolate', '\u2068Mug'],
])('a product name, emoji or cancel reason with %s is a 400 naming it', async (_what, text) => {
  const head = await server.shop.events.head();
  for (const [path, json, field, as] of [
    ['/products', { productId: 'cup', name: text, price: '1.00' }, 'name', 'admin'],
    ['/products', { productId: 'cup', name: 'Cup', price: '1.00', emoji: text }, 'emoji', 'admin'],
    [`/orders/${orderId}/cancel`, { reason: text }, 'reason', 'alice'],
  ] as const) {
    const answer = await server.call('POST', path, { json, as });
    expect(answer.status, `${path}: ${answer.text}`).toBe(400);
    expect(answer.body).toMatchObject({ type: '/problems/validation-error', errors: [{ path: field }] });
  }
  expect(await server.shop.events.head()).toBe(head);
});

test('a body nested deeper than 64 levels is a 400 before it is parsed, and stores nothing', async () => {
  const head = await server.shop.events.head();
  let deep: unknown = 'x';
  for (let i = 0; i < 1000; i++) deep = { a: deep };
  const answer = await server.call('POST', '/products', {
    as: 'admin',
    json: { productId: 'deep', name: 'Deep', price: '1.00', emoji: deep },
  });
  expect(answer.status, answer.text).toBe(400);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({
    type: '/problems/validation-error',
    errors: [{ path: '', message: expect.stringMatching(/deeper than 64 levels/) as unknown }],
  });
  expect(await server.shop.events.head()).toBe(head);
});
