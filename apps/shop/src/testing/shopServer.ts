// The shop service on a real port for the e2e tests, started from the same declaration that main.ts runs,
// with a fetch helper. In the `shop-on-postgres` test project (SHOP_E2E_STORE=postgres) every shop gets a
// fresh PostgreSQL database instead of a SQLite file, so the same tests run on both stores.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@janus/test-support/testDatabase';
import { startService, type Env, type RunningService, type StartOptions } from '@janus/service';
import type { ShopRole } from '../roles.js';
import { shopService } from '../service.js';

export type RunningShop = RunningService<ShopRole>;

export const KEYS = {
  admin: 'test-admin-key',
  alice: 'test-alice-key',
  bob: 'test-bob-key',
} as const;
export type Caller = keyof typeof KEYS;

export const SHOP_API_KEYS = `${KEYS.admin}=admin,${KEYS.alice}=customer:alice,${KEYS.bob}=customer:bob`;

export interface CallOptions {
  /** A test key by name, or null for no Authorization header. Default 'admin'. */
  readonly as?: Caller | null;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON; {} when it is not JSON. */
  readonly body: Record<string, unknown>;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Answer>;

export function caller(url: string, keys: Readonly<Record<string, string>> = KEYS): Call {
  return async (method, urlPath, o = {}) => {
    const as = o.as === undefined ? 'admin' : o.as;
    const key = as === null ? undefined : keys[as];
    const headers: Record<string, string> = {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(o.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    };
    const response = await fetch(url + urlPath, {
      method,
      headers,
      ...(o.json === undefined ? {} : { body: JSON.stringify(o.json) }),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, text, body };
  };
}

export const onPostgres = () => process.env.SHOP_E2E_STORE === 'postgres';

/** A fresh temporary folder. */
export const temporaryDir = (prefix: string): Promise<string> =>
  fs.mkdtemp(path.join(os.tmpdir(), `janus-shop-${prefix}-`));

/** A fresh database when the tests run on PostgreSQL, else undefined (SQLite in the data folder). */
export const testDatabase = (): Promise<TestDatabase | undefined> =>
  onPostgres() ? createTestDatabase('janus_shop_e2e') : Promise.resolve(undefined);

export interface TestShop {
  readonly shop: RunningShop;
  readonly url: string;
  readonly call: Call;
  close(): Promise<void>;
}

export async function serveShop(
  variables: Env = {},
  options: Pick<StartOptions, 'logger'> = {},
): Promise<TestShop> {
  const dataDir = await temporaryDir('e2e');
  const database = await testDatabase();
  const shop = await startService(shopService, {
    env: {
      PORT: '0',
      SHOP_DATA_DIR: dataDir,
      SHOP_API_KEYS,
      LOG_LEVEL: 'silent',
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...variables,
    },
    processMetrics: false,
    ...options,
  });
  return {
    shop,
    url: shop.url,
    call: caller(shop.url),
    async close() {
      await shop.close();
      await database?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `{ 'x-min-position': position }`: a query that reads its writes. */
export const after = (position: unknown): Record<string, string> => ({ 'x-min-position': String(position) });

/** Adds a product (as admin) with `stock` units. */
export async function addProduct(
  call: Call,
  product: { productId: string; name?: string; price: string; emoji?: string },
  stock = 0,
): Promise<void> {
  const added = await call('POST', '/products', { json: { name: product.productId, ...product } });
  if (added.status !== 201) throw new Error(`adding a product failed: ${added.status} ${added.text}`);
  if (stock > 0) {
    const stocked = await call('POST', `/products/${product.productId}/stock`, { json: { quantity: stock } });
    if (stocked.status !== 201) throw new Error(`stocking failed: ${stocked.status} ${stocked.text}`);
  }
}

export type OrderStatus = 'placed' | 'confirmed' | 'shipped' | 'rejected' | 'cancelled';

/** Whether the workflow is done with an order as read: not `placed`, and no change of it `pending`. */
export const isSettled = (order: Record<string, unknown> | undefined): boolean =>
  order !== undefined &&
  order.status !== 'placed' &&
  (order.change as { status?: unknown } | null | undefined)?.status !== 'pending';

/** Polls until the order is settled (fulfilment is asynchronous): see isSettled; answers the order. */
export async function settled(
  call: Call,
  orderId: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call('GET', `/orders/${orderId}`);
    if (answer.status === 200 && isSettled(answer.body)) return answer.body;
    if (Date.now() > until)
      throw new Error(`order ${orderId} did not settle: ${answer.status} ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every order of the report (as admin) from `from` to `to`, following its pages. */
export async function reportOrders(call: Call, from: string, to: string): Promise<Record<string, unknown>[]> {
  const orders: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page: string = `/orders?from=${from}&to=${to}&limit=500${cursor === null ? '' : `&cursor=${cursor}`}`;
    const report = await call('GET', page);
    if (report.status !== 200) throw new Error(`the report failed: ${report.status} ${report.text}`);
    orders.push(...(report.body.orders as Record<string, unknown>[]));
    cursor = report.body.nextCursor as string | null;
  } while (cursor !== null);
  return orders;
}

/**
 * Polls the report (as admin) until none of `orderIds` is `placed` any more; answers the orders by id.
 * One request per poll, however many orders: the service spends its time fulfilling, not answering.
 */
export async function allSettled(
  call: Call,
  orderIds: readonly string[],
  timeoutMs = 30_000,
): Promise<Map<string, Record<string, unknown>>> {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const until = Date.now() + timeoutMs;
  for (;;) {
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const orders = new Map((await reportOrders(call, from, to)).map((o) => [String(o.orderId), o]));
    const pending = orderIds.filter((id) => !isSettled(orders.get(id)));
    if (pending.length === 0) return orders;
    if (Date.now() > until) throw new Error(`${pending.length} orders did not settle, e.g. ${pending[0]}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
