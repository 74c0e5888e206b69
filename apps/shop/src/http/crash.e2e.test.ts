// The real service as a child process (`node apps/shop/dist/main.js`, as `npm run start:shop` runs it),
// SIGKILLed while the fulfilment workflow is behind (placing orders and changing earlier ones, confirmed
// ones too), again and again, and restarted: every order ends confirmed or rejected with no change
// pending (never stuck), no reservation is made twice, and the stock balances.
import fs from 'node:fs';
import path from 'node:path';
import type { EventStore, GlobalLog, ProjectionStore } from '@janus/core';
import { PostgresEventStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { afterAll, expect, test } from 'vitest';
import type { TestDatabase } from '@janus/test-support/testDatabase';
import { fulfilment } from '../fulfilment/fulfilment.js';
import { shopService } from '../service.js';
import { killServiceProcesses, startShopProcess } from '../testing/shopProcess.js';
import { caller, reportOrders, temporaryDir, testDatabase, type Call } from '../testing/shopServer.js';

const PRODUCTS = ['red', 'green', 'blue'];
const STOCK = 60;
const KILLS = 3;
const ORDERS_PER_ROUND = 60;

const folders: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  killServiceProcesses();
  await Promise.all(folders.map((dir) => fs.promises.rm(dir, { recursive: true, force: true })));
  await Promise.all(databases.map((database) => database.drop()));
});

/** The shop over `dataDir`, with a caller for it. */
async function start(dataDir: string, databaseUrl: string | undefined) {
  const service = await startShopProcess(dataDir, { databaseUrl });
  return { ...service, call: caller(service.url) };
}

async function openStore(dataDir: string, databaseUrl: string | undefined) {
  const store: EventStore & GlobalLog & { projections: ProjectionStore; close(): Promise<void> } = databaseUrl
    ? await PostgresEventStore.open(databaseUrl)
    : await SqliteEventStore.open(path.join(dataDir, shopService.env.sqliteFile));
  return store;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** Places orders concurrently; answers the ids of those acknowledged (a killed request may or may not count). */
async function placeOrders(call: Call, n: number): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: n }, async () => {
      const products = PRODUCTS.filter(() => Math.random() < 0.6);
      const items = (products.length > 0 ? products : [pick(PRODUCTS)]).map((productId) => ({
        productId,
        quantity: 1 + Math.floor(Math.random() * 3),
      }));
      const answer = await call('POST', '/customers/alice/orders', { as: 'alice', json: { items } });
      return answer.status === 201 ? String(answer.body.orderId) : undefined;
    }),
  );
  return answers.filter((id) => id !== undefined);
}

/** Changes some earlier orders' items concurrently (placed or confirmed by now); refusals are fine. */
async function changeOrders(call: Call, orderIds: readonly string[]): Promise<void> {
  await Promise.all(
    orderIds
      .filter(() => Math.random() < 0.5)
      .map((orderId) => {
        const items = [{ productId: pick(PRODUCTS), quantity: 1 + Math.floor(Math.random() * 4) }];
        return call('PUT', `/orders/${orderId}/items`, { as: 'alice', json: { items } });
      }),
  );
}

type Data = Record<string, unknown> & {
  orderId: string;
  revision: number;
  productId: string;
  quantity: number;
};

test('SIGKILL during fulfilment, then restart: every order confirmed or rejected, nothing reserved twice', async () => {
  const dataDir = await temporaryDir('crash');
  folders.push(dataDir);
  const database = await testDatabase();
  if (database) databases.push(database);
  const databaseUrl = database?.url;

  let service = await start(dataDir, databaseUrl);
  for (const productId of PRODUCTS) {
    await service.call('POST', '/products', { json: { productId, name: productId, price: '1.00' } });
    await service.call('POST', `/products/${productId}/stock`, { json: { quantity: STOCK } });
  }

  const acknowledged: string[] = [];
  let behind = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const [placed] = await Promise.all([
      placeOrders(service.call, ORDERS_PER_ROUND),
      changeOrders(service.call, acknowledged),
    ]);
    acknowledged.push(...placed);
    expect((await service.kill()).signal).toBe('SIGKILL');
    const store = await openStore(dataDir, databaseUrl);
    const record = await store.projections.record(fulfilment.name);
    if (!record || record.position < (await store.head())) behind++;
    await store.close();
    service = await start(dataDir, databaseUrl);
  }
  expect(behind).toBeGreaterThan(0);

  // After the last restart the workflow catches up: no order stays placed.
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  type Reported = { orderId: string; status: string; change: { status: string } | null };
  let orders: (Reported & { items: { quantity: number }[] })[] = [];
  await expect
    .poll(
      async () => {
        orders = (await reportOrders(service.call, from, to)) as typeof orders;
        return orders.filter((o) => o.status === 'placed' || o.change?.status === 'pending').length;
      },
      { timeout: 30_000, interval: 100 },
    )
    .toBe(0);
  const statuses = new Map(orders.map((o) => [o.orderId, o.status]));
  for (const orderId of acknowledged) expect(['confirmed', 'rejected']).toContain(statuses.get(orderId));
  expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });

  // The events themselves: each reservation once, rejected orders hold nothing, the stock balances.
  const store = await openStore(dataDir, databaseUrl);
  try {
    const events = await store.readAll();
    const reservations = new Map<string, number>();
    const held = new Map<string, number>();
    for (const event of events) {
      const d = event.data as Data;
      const key = `${d.orderId}/${d.revision}/${d.productId}`;
      if (event.type === 'shop.StockReserved.v1') {
        expect(reservations.has(key), `reserved twice: ${key}`).toBe(false);
        reservations.set(key, d.quantity);
        held.set(d.orderId, (held.get(d.orderId) ?? 0) + d.quantity);
        expect((event.data as { available: number }).available).toBeGreaterThanOrEqual(0);
      }
      if (event.type === 'shop.StockReleased.v1')
        held.set(d.orderId, (held.get(d.orderId) ?? 0) - d.quantity);
    }
    let confirmedUnits = 0;
    for (const { orderId, status, items } of orders) {
      // What the order holds is its current items (a refused change's never).
      const units = items.reduce((n, item) => n + item.quantity, 0);
      if (status === 'confirmed') {
        confirmedUnits += units;
        expect(held.get(orderId) ?? 0).toBe(units);
      } else {
        expect(held.get(orderId) ?? 0).toBe(0);
      }
      const outcomes = events.filter(
        (e) =>
          (e.type === 'shop.OrderConfirmed.v1' || e.type === 'shop.OrderRejected.v1') &&
          (e.data as Data).orderId === orderId,
      );
      expect(outcomes).toHaveLength(1);
    }
    const heldTotal = [...held.values()].reduce((a, b) => a + b, 0);
    expect(heldTotal).toBe(confirmedUnits);
    expect(confirmedUnits).toBeLessThanOrEqual(PRODUCTS.length * STOCK);
  } finally {
    await store.close();
  }
  // A guard against a hang, not a timing assertion: two processes and a PostgreSQL under CI's load.
}, 180_000);
