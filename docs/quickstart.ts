import { z } from 'zod';
import * as janus from '@janus/core';
import type { EventOf, MessageOf } from '@janus/core';

// 1. Messages: one declaration gives the TypeScript type, a factory and runtime validation.
const Line = z.object({ cartId: z.string(), sku: z.string() });
const AddItemToCart = janus.command(
  'shop.AddItemToCart',
  Line.extend({ quantity: z.number().int().positive() }),
);
const RemoveItemFromCart = janus.command('shop.RemoveItemFromCart', Line);
const ItemAdded = janus.event('shop.ItemAdded.v1', z.object({ sku: z.string(), quantity: z.number() }));
const ItemRemoved = janus.event('shop.ItemRemoved.v1', z.object({ sku: z.string() }));
type Cart = { items: Record<string, number> };
const GetCart = janus.query('shop.GetCart', z.object({ cartId: z.string() }), janus.returns<Cart>());

// 2. A decider: what a command decides, and how events change the state. Pure functions.
type CartCommand = MessageOf<typeof AddItemToCart | typeof RemoveItemFromCart>;
const cart = janus.decider<Cart, CartCommand, EventOf<typeof ItemAdded | typeof ItemRemoved>>({
  initialState: () => ({ items: {} }),
  decide(command, state) {
    switch (command.type) {
      case 'shop.AddItemToCart':
        return [ItemAdded({ sku: command.data.sku, quantity: command.data.quantity })];
      case 'shop.RemoveItemFromCart':
        if (!(command.data.sku in state.items)) return janus.fail('item-not-in-cart');
        return [ItemRemoved({ sku: command.data.sku })];
      default:
        return janus.assertNever(command);
    }
  },
  evolve({ items }, event) {
    switch (event.type) {
      case 'shop.ItemAdded.v1':
        return { items: { ...items, [event.data.sku]: (items[event.data.sku] ?? 0) + event.data.quantity } };
      case 'shop.ItemRemoved.v1':
        return { items: Object.fromEntries(Object.entries(items).filter(([sku]) => sku !== event.data.sku)) };
      default:
        return janus.assertNever(event);
    }
  },
});

// 3. Two doors: commands change state through the decider, queries read it.
const store = new janus.InMemoryEventStore(); // or, durable: await SqliteEventStore.open('shop.db')
const streamOf = (cartId: string) => `cart-${cartId}`;
const commands = new janus.CommandBus().use(janus.validation());
commands.register(AddItemToCart, (c) => janus.handleCommand(store, cart, streamOf(c.data.cartId), c));
commands.register(RemoveItemFromCart, (c) => janus.handleCommand(store, cart, streamOf(c.data.cartId), c));
const queries = new janus.QueryBus().use(janus.validation());
queries.register(GetCart, async (q) => (await janus.loadStream(store, cart, streamOf(q.data.cartId))).state);

await commands.send(AddItemToCart({ cartId: '42', sku: 'apple', quantity: 3 }));
await commands.send(AddItemToCart({ cartId: '42', sku: 'pear', quantity: 1 }));
await commands.send(RemoveItemFromCart({ cartId: '42', sku: 'apple' }));
console.log(await queries.ask(GetCart({ cartId: '42' }))); // { items: { pear: 1 } }
const refusal = await commands.send(RemoveItemFromCart({ cartId: '42', sku: 'kiwi' })).catch(String);
console.log(refusal); // DomainError: item-not-in-cart
