// Hostile URLs and malformed requests at the shop: each is a 4xx problem+json, none is a 5xx, none logs an
// error. Runs on SQLite and, in the shop-on-postgres project, on PostgreSQL (which refuses NUL in text).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { capturedLog } from '@janus/test-support/capturedLog';
import { hostileRequests, unlikeProblem } from '@janus/test-support/hostileRequests';
import { rawRequest } from '@janus/test-support/rawHttp';
import { KEYS, serveShop, type TestShop } from '../testing/shopServer.js';

const log = capturedLog();
let shop: TestShop;
beforeAll(async () => {
  shop = await serveShop({}, { logger: log.logger });
});
afterAll(async () => {
  await shop.close();
});

const SHOP_PATHS = [
  '/orders/abc%ZZ',
  '/orders/%00',
  '/orders/%ED%A0%80',
  '/orders/..%2f..%2fpackage.json',
  `/orders/${'a'.repeat(200)}`,
  '/products/%00',
  '/products/abc%ZZ',
  '/customers/%00/cart',
  '/customers/%00/orders',
  '/customers/alice/orders?limit=9223372036854775808',
  '/orders?limit=99999999999999999999',
];

test.each(hostileRequests(SHOP_PATHS, { queryPath: '/customers/alice/cart' }))(
  '$name: a 4xx problem+json',
  async ({ text }) => {
    const answer = await rawRequest(shop.shop.port, text(`Bearer ${KEYS.admin}`));
    expect(unlikeProblem(answer)).toBeUndefined();
  },
);

test('nothing was logged at error level', () => {
  expect(log.errors()).toEqual([]);
});
