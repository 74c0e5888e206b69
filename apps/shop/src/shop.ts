import type { CommandBus, DocumentProjection, EventStore, QueryBus, ReadModels, Workflow } from '@janus/core';
import { AddCartItem, ChangeCartItemQuantity, RemoveCartItem } from './carts/cart.js';
import { cartCommandHandlers } from './carts/cartHandlers.js';
import { GetCart, getCart } from './carts/cartQueries.js';
import { catalogCommandHandlers } from './catalog/catalogHandlers.js';
import { AddStock } from './catalog/inventory.js';
import { AddProduct, ChangePrice } from './catalog/product.js';
import { GetProduct, ListProducts, getProduct, listProducts, productsView } from './catalog/productsView.js';
import type { ShopCommandDeps } from './commandDeps.js';
import { fulfilment } from './fulfilment/fulfilment.js';
import { CancelOrder, ChangeOrderItems, PlaceOrder, ShipOrder } from './orders/order.js';
import { orderCommandHandlers } from './orders/orderHandlers.js';
import {
  GetOrder,
  ListCustomerOrders,
  ListOrders,
  getOrder,
  listCustomerOrders,
  listOrders,
} from './orders/orderQueries.js';
import { ordersView } from './orders/ordersView.js';

/** Every read model of the shop, for the projection runner. */
export const shopProjections: readonly DocumentProjection[] = [productsView, ordersView];

/** The shop's workflows, for the projection runner. */
export const shopWorkflows: readonly Workflow[] = [fulfilment];

/** Registers the handler of every shop command that a caller may send on a command bus. */
export function registerShopCommands(bus: CommandBus, deps: ShopCommandDeps): CommandBus {
  const catalog = catalogCommandHandlers(deps);
  const carts = cartCommandHandlers(deps);
  const orders = orderCommandHandlers(deps);
  return bus
    .register(AddProduct, catalog.addProduct)
    .register(ChangePrice, catalog.changePrice)
    .register(AddStock, catalog.addStock)
    .register(AddCartItem, carts.addItem)
    .register(ChangeCartItemQuantity, carts.changeQuantity)
    .register(RemoveCartItem, carts.removeItem)
    .register(PlaceOrder, orders.placeOrder)
    .register(ChangeOrderItems, orders.changeOrderItems)
    .register(CancelOrder, orders.cancelOrder)
    .register(ShipOrder, orders.shipOrder);
}

export interface ShopQueryDeps {
  readonly readModels: ReadModels;
  readonly store: EventStore;
}

/** Registers the handler of every shop query on a query bus. */
export function registerShopQueries(bus: QueryBus, deps: ShopQueryDeps): QueryBus {
  return bus
    .register(GetProduct, (q) => getProduct(deps.readModels, q.data.productId))
    .register(ListProducts, (q) => listProducts(deps.readModels, q.data))
    .register(GetCart, (q) => getCart(deps.store, q.data.customerId))
    .register(GetOrder, (q) => getOrder(deps.readModels, q.data.orderId))
    .register(ListCustomerOrders, (q) => listCustomerOrders(deps.readModels, q.data))
    .register(ListOrders, (q) => listOrders(deps.readModels, q.data));
}
