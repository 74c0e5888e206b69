// An order placed with an Idempotency-Key whose process dies between "events committed" and "answer
// stored": after a restart the retry answers 201 with the first body (not 409 order-exists), replayed,
// with no new event, and the cart stays as the first command left it. The real dist/main.js, killed at
// each named fault point by the test-side hook.
import fs from 'node:fs';
import path from 'node:path';
import type { Closeable, EventStore, GlobalLog, RecordedEvent } from '@janus/core';
import { PostgresEventStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { afterAll, describe, expect, test } from 'vitest';
import { startShopProcess } from '../testing/shopProcess.js';
import { addProduct, caller, settled, temporaryDir, testDatabase, type Call } from '../testing/shopServer.js';
import { shopService } from '../service.js';

const FAULT_POINTS = ['idempotency.key-committed', 'idempotency.answer-unsaved'];

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

type Log = EventStore & GlobalLog & Closeable;

/** The shop, stopped when the tests end. */
async function shop(dataDir: string, databaseUrl: string | undefined, killAt?: string) {
  const service = await startShopProcess(dataDir, {
    databaseUrl,
    ...(killAt === undefined ? {} : { killAt }),
  });
  cleanups.push(() => service.kill());
  return service;
}

const cartOf = async (call: Call) => (await call('GET', '/customers/alice/cart', { as: 'alice' })).body;
const typesOf = (events: readonly RecordedEvent[]) => events.map((e) => e.type);

async function placeCrashRetry(point: string, fromCart: boolean): Promise<void> {
  const dataDir = await temporaryDir('idem-crash');
  cleanups.push(() => fs.promises.rm(dataDir, { recursive: true, force: true }));
  const database = await testDatabase();
  if (database) cleanups.push(() => database.drop());

  const first = await shop(dataDir, database?.url, point);
  const call = caller(first.url);
  await addProduct(call, { productId: 'red', price: '2.50' }, 100);
  await addProduct(call, { productId: 'blue', price: '4.00' }, 100);
  const added = await call('POST', '/customers/alice/cart/items', {
    as: 'alice',
    json: { productId: 'red', quantity: 2 },
  });
  expect(added.status, added.text).toBe(201);
  const cartBefore = await cartOf(call);

  const log: Log = database
    ? await PostgresEventStore.open(database.url, { poolSize: 2 })
    : await SqliteEventStore.open(path.join(dataDir, shopService.env.sqliteFile), { mustExist: true });
  cleanups.push(() => log.close());
  const before = await log.head();
  const json = fromCart ? {} : { items: [{ productId: 'blue', quantity: 3 }] };
  const headers = { 'idempotency-key': `order-${point}` };
  await expect(call('POST', '/customers/alice/orders', { as: 'alice', json, headers })).rejects.toThrow();
  expect((await first.exited).signal).toBe('SIGKILL');
  const committed = (await log.readAll({ after: before })).filter((e) => e.type.startsWith('shop.'));
  expect(typesOf(committed)).toEqual(
    fromCart ? ['shop.OrderPlaced.v1', 'shop.CartCheckedOut.v1'] : ['shop.OrderPlaced.v1'],
  );
  const placed = committed[0]?.data as { orderId: string };

  const second = await shop(dataDir, database?.url);
  const again = caller(second.url);
  // The fulfilment workflow finishes the order first, so that the log stands still during the retry.
  await settled(again, placed.orderId);
  const head = await log.head();
  const retry = await again('POST', '/customers/alice/orders', { as: 'alice', json, headers });
  expect(retry.status, retry.text).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.body).toEqual({
    orderId: placed.orderId,
    total: fromCart ? '5.00' : '12.00',
    position: Number(committed.at(-1)?.position),
  });
  expect(retry.headers.get('location')).toBe(`/orders/${placed.orderId}`);
  expect(await log.head(), 'the retry wrote nothing').toBe(head);
  // The cart as the first command left it: emptied by an order from the cart, untouched otherwise.
  const cartAfter = await cartOf(again);
  if (fromCart) expect(cartAfter.items).toEqual([]);
  else expect(cartAfter).toEqual(cartBefore);
  await second.kill();
}

describe.each(FAULT_POINTS)('killed at %s', (point) => {
  test('an order placed from items answers 201 again, not order-exists', async () => {
    await placeCrashRetry(point, false);
  });

  test('an order placed from the cart answers 201 again, and the cart stays checked out', async () => {
    await placeCrashRetry(point, true);
  });
});
