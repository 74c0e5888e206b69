// The fulfilment workflow run by core's ProjectionRunner over the in-memory stores, with the shop's own
// command handlers: the stock it reserves, confirms, rejects and releases, scenario by scenario.
import { CommandBus, InMemoryEventStore, InMemoryProjectionStore, ProjectionRunner, fold } from '@janus/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AddStock, inventory } from '../catalog/inventory.js';
import { AddProduct } from '../catalog/product.js';
import { inventoryStream } from '../fields.js';
import { CancelOrder, ChangeOrderItems, PlaceOrder } from '../orders/order.js';
import { registerShopCommands } from '../shop.js';
import { fulfilment, type Fulfilment } from './fulfilment.js';
import { fulfilmentCommands } from './fulfilmentCommands.js';

let events: InMemoryEventStore;
let readModels: InMemoryProjectionStore;
let runner: ProjectionRunner;
let commands: CommandBus;

beforeEach(async () => {
  events = new InMemoryEventStore();
  readModels = new InMemoryProjectionStore();
  commands = registerShopCommands(new CommandBus(), { store: events });
  runner = new ProjectionRunner({
    log: events,
    store: readModels,
    projections: [],
    workflows: [fulfilment],
    commands: fulfilmentCommands({ store: events }),
    pollIntervalMs: 10,
  });
  await runner.start();
  for (const [productId, stock] of [
    ['tea', 10],
    ['cake', 1],
  ] as const) {
    await commands.send(AddProduct({ productId, name: productId, price: 100n }));
    await commands.send(AddStock({ productId, quantity: stock }));
  }
});

afterEach(async () => {
  await runner.stop();
});

/** Until the workflow has handled every event, including those its own commands appended. */
async function settle(): Promise<void> {
  for (;;) {
    const head = await events.head();
    await runner.waitFor(head, { timeoutMs: 5_000 });
    if ((await events.head()) === head) return;
  }
}

const available = async (productId: string) =>
  fold(inventory, (await events.readStream(inventoryStream(productId))) as never).available;
const stateOf = (orderId: string) => readModels.documents<Fulfilment>(fulfilment.state).get(orderId);
const place = (orderId: string, items: { productId: string; quantity: number }[]) =>
  commands.send(PlaceOrder({ orderId, customerId: 'alice', items }));

describe('fulfilment', () => {
  test('every line reserved: the order is confirmed and its stock held', async () => {
    await place('o1', [
      { productId: 'tea', quantity: 3 },
      { productId: 'cake', quantity: 1 },
    ]);
    await settle();
    expect(await stateOf('o1')).toMatchObject({ phase: 'confirmed', reserved: { tea: 3, cake: 1 } });
    expect(await available('tea')).toBe(7);
    expect(await available('cake')).toBe(0);
  });

  test('one line short: the order is rejected and the lines already reserved are released', async () => {
    await place('o1', [
      { productId: 'tea', quantity: 3 },
      { productId: 'cake', quantity: 2 },
    ]);
    await settle();
    expect(await stateOf('o1')).toMatchObject({ phase: 'rejected', reserved: {} });
    expect(await available('tea')).toBe(10);
    expect(await available('cake')).toBe(1);
    const order = await events.readStream('shop-order-o1');
    expect(order.map((e) => e.type)).toEqual(['shop.OrderPlaced.v1', 'shop.OrderRejected.v1']);
  });

  test('a confirmed order cancelled: its stock is released', async () => {
    await place('o1', [{ productId: 'tea', quantity: 4 }]);
    await settle();
    expect(await available('tea')).toBe(6);
    await commands.send(CancelOrder({ orderId: 'o1', reason: 'no longer needed' }));
    await settle();
    expect(await stateOf('o1')).toMatchObject({ phase: 'cancelled', reserved: {} });
    expect(await available('tea')).toBe(10);
  });

  test('items changed before confirmation: the old revision is released, the new one reserved', async () => {
    await runner.stop();
    await place('o1', [{ productId: 'tea', quantity: 4 }]);
    await commands.send(ChangeOrderItems({ orderId: 'o1', items: [{ productId: 'tea', quantity: 6 }] }));
    await runner.start();
    await settle();
    expect(await stateOf('o1')).toMatchObject({ phase: 'confirmed', revision: 2, reserved: { tea: 6 } });
    expect(await available('tea')).toBe(4);
    const order = await events.readStream('shop-order-o1');
    expect(order.map((e) => e.type)).toEqual([
      'shop.OrderPlaced.v1',
      'shop.OrderItemsChanged.v1',
      'shop.OrderConfirmed.v1',
    ]);
  });

  test('an order cancelled while its reservations are under way holds nothing in the end', async () => {
    await runner.stop();
    await place('o1', [{ productId: 'tea', quantity: 2 }]);
    await commands.send(CancelOrder({ orderId: 'o1', reason: 'oops' }));
    await runner.start();
    await settle();
    expect(await stateOf('o1')).toMatchObject({ phase: 'cancelled' });
    expect(await available('tea')).toBe(10);
  });
});
