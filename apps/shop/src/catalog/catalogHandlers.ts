import { DomainError, NotFoundError, loadStream, type EventStore, type MessageOf } from '@janus/core';
import { runCommand, type ShopCommandDeps } from '../commandDeps.js';
import { inventoryStream, productStream } from '../fields.js';
import { AddStock, inventory } from './inventory.js';
import { product, type AddProduct, type ChangePrice, type Product } from './product.js';

/** A product from its stream (the write side, never behind); undefined when it does not exist. */
export async function loadProduct(
  store: EventStore,
  productId: string,
): Promise<Extract<Product, { status: 'listed' }> | undefined> {
  const { state } = await loadStream(store, product, productStream(productId));
  return state.status === 'listed' ? state : undefined;
}

export const productNotFound = (productId: string) =>
  new NotFoundError(`product '${productId}' does not exist`);

/** A request names a product the catalog does not have (a 422: the request itself was found). */
export const unknownProduct = (productId: string) =>
  new DomainError('unknown-product', `product '${productId}' does not exist`, { productId });

/** The handlers of the catalog's commands. */
export function catalogCommandHandlers(deps: ShopCommandDeps) {
  return {
    addProduct: async (command: MessageOf<typeof AddProduct>) => {
      const outcome = await runCommand(deps, product, productStream(command.data.productId), command);
      return { productId: command.data.productId, position: outcome.position };
    },
    changePrice: async (command: MessageOf<typeof ChangePrice>) => {
      const outcome = await runCommand(deps, product, productStream(command.data.productId), command);
      return { position: outcome.position };
    },
    addStock: async (command: MessageOf<typeof AddStock>) => {
      if (!(await loadProduct(deps.store, command.data.productId))) {
        throw productNotFound(command.data.productId);
      }
      const outcome = await runCommand(deps, inventory, inventoryStream(command.data.productId), command);
      return { available: outcome.state.available, position: outcome.position };
    },
  };
}
