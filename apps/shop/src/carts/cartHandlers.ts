import type { MessageOf } from '@janus/core';
import { loadProduct, unknownProduct } from '../catalog/catalogHandlers.js';
import { runCommand, type ShopCommandDeps } from '../commandDeps.js';
import { cartStream } from '../fields.js';
import { cart, type AddCartItem, type ChangeCartItemQuantity, type RemoveCartItem } from './cart.js';

/** The handlers of the cart's commands. Only products of the catalog go into a cart. */
export function cartCommandHandlers(deps: ShopCommandDeps) {
  return {
    addItem: async (command: MessageOf<typeof AddCartItem>) => {
      const { productId } = command.data;
      if (!(await loadProduct(deps.store, productId))) throw unknownProduct(productId);
      const outcome = await runCommand(deps, cart, cartStream(command.data.customerId), command);
      return { position: outcome.position };
    },
    changeQuantity: async (command: MessageOf<typeof ChangeCartItemQuantity>) => {
      const outcome = await runCommand(deps, cart, cartStream(command.data.customerId), command);
      return { position: outcome.position };
    },
    removeItem: async (command: MessageOf<typeof RemoveCartItem>) => {
      const outcome = await runCommand(deps, cart, cartStream(command.data.customerId), command);
      return { position: outcome.position };
    },
  };
}
