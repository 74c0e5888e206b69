// A customer's cart over HTTP. A customer reaches its own cart only; admin any.
import { commandRoute, jsonPosition, queryRoute } from '@janus/http';
import { z } from 'zod';
import { AddCartItem, ChangeCartItemQuantity, RemoveCartItem } from '../carts/cart.js';
import { GetCart } from '../carts/cartQueries.js';
import { CustomerId, ProductId, Quantity } from '../fields.js';
import { CartAnswer, PositionAnswer } from './schemas.js';

const tags = ['carts'];
const CartPath = z.object({ customerId: CustomerId });
const ItemPath = z.object({ customerId: CustomerId, productId: ProductId });
const positioned = (result: { readonly position: bigint }) => ({
  body: { position: jsonPosition(result.position) },
});

export const cartRoutes = [
  commandRoute({
    url: '/customers/:customerId/cart/items',
    command: AddCartItem,
    params: CartPath,
    body: z.strictObject({ productId: ProductId, quantity: Quantity }),
    status: 201,
    tags,
    summary: 'Add an item to the cart',
    description:
      'A product already in the cart gets the quantity added (at most 10000 in all: 422 ' +
      '`quantity-too-large`). A product not in the catalog: 422 `unknown-product`.',
    response: PositionAnswer,
    errors: ['unknown-product', 'quantity-too-large'],
    toData: ({ params, body }) => ({ customerId: params.customerId, ...body }),
    toResponse: positioned,
  }),
  commandRoute({
    method: 'PUT',
    url: '/customers/:customerId/cart/items/:productId',
    command: ChangeCartItemQuantity,
    params: ItemPath,
    body: z.strictObject({ quantity: Quantity }),
    tags,
    summary: 'Change the quantity of an item in the cart (404 when it is not in the cart)',
    response: PositionAnswer,
    toData: ({ params, body }) => ({ ...params, quantity: body.quantity }),
    toResponse: positioned,
  }),
  commandRoute({
    method: 'DELETE',
    url: '/customers/:customerId/cart/items/:productId',
    command: RemoveCartItem,
    params: ItemPath,
    tags,
    summary: 'Remove an item from the cart (404 when it is not in the cart)',
    response: PositionAnswer,
    toData: ({ params }) => params,
    toResponse: positioned,
  }),
  queryRoute({
    url: '/customers/:customerId/cart',
    query: GetCart,
    params: CartPath,
    tags,
    summary: 'The cart, with line totals and its total at the current prices',
    description: 'Read from the events (never behind a write). A cart never used is empty.',
    response: CartAnswer,
    toData: ({ params }) => ({ customerId: params.customerId }),
  }),
];
