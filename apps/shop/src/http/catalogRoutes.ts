// The catalog over HTTP: add a product, change its price, stock it, read it. Commands: admin only.
import { PageCursor, PageLimit, commandRoute, jsonPosition, queryRoute } from '@janus/http';
import { MoneyAmount as PriceAmount } from '@janus/money';
import { z } from 'zod';
import { AddStock } from '../catalog/inventory.js';
import { AddProduct, ChangePrice, Emoji, ProductName } from '../catalog/product.js';
import { GetProduct, ListProducts, productsView } from '../catalog/productsView.js';
import { ProductId, StockQuantity } from '../fields.js';
import { PositionAnswer, ProductAnswer, ProductPageAnswer } from './schemas.js';

const tags = ['catalog'];
const ProductPath = z.object({ productId: ProductId });

export const catalogRoutes = [
  commandRoute({
    url: '/products',
    command: AddProduct,
    body: z.strictObject({
      productId: ProductId,
      name: ProductName,
      price: PriceAmount,
      emoji: Emoji.optional(),
    }),
    status: 201,
    tags,
    summary: 'Add a product to the catalog (admin)',
    description: 'The caller names the product id. An id in use is a 409 `product-exists`.',
    response: z.object({ productId: z.string(), position: z.number().int() }),
    errors: ['product-exists'],
    toData: ({ body }) => body,
    toResponse: (result) => ({
      body: { productId: result.productId, position: jsonPosition(result.position) },
      headers: { location: `/products/${result.productId}` },
    }),
  }),
  commandRoute({
    url: '/products/:productId/price',
    command: ChangePrice,
    params: ProductPath,
    body: z.strictObject({ price: PriceAmount }),
    tags,
    summary: "Change a product's price (admin)",
    description: 'Carts are priced at the current price; orders keep the price they were placed at.',
    response: PositionAnswer,
    toData: ({ params, body }) => ({ productId: params.productId, price: body.price }),
    toResponse: (result) => ({ body: { position: jsonPosition(result.position) } }),
  }),
  commandRoute({
    url: '/products/:productId/stock',
    command: AddStock,
    params: ProductPath,
    body: z.strictObject({ quantity: StockQuantity }),
    status: 201,
    tags,
    summary: 'Add units to the stock of a product (admin)',
    response: z.object({ available: z.number().int(), position: z.number().int() }),
    toData: ({ params, body }) => ({ productId: params.productId, quantity: body.quantity }),
    toResponse: (result) => ({
      body: { available: result.available, position: jsonPosition(result.position) },
    }),
  }),
  queryRoute({
    url: '/products',
    query: ListProducts,
    querystring: z.object({ limit: PageLimit.optional(), cursor: PageCursor.optional() }),
    projections: [productsView.name],
    tags,
    summary: 'The catalog, a page at a time: each product with its price and the units available',
    description:
      'By product id. `limit` 1-500 (default 50). Pass `nextCursor` as `cursor` for the next page; it ' +
      'is null on the last page. A cursor this service did not make is a 400.',
    response: ProductPageAnswer,
    toData: ({ query }) => ({ limit: query.limit ?? 50, cursor: query.cursor }),
  }),
  queryRoute({
    url: '/products/:productId',
    query: GetProduct,
    params: ProductPath,
    projections: [productsView.name],
    tags,
    summary: 'A product: name, price, emoji and the units available (not reserved)',
    response: ProductAnswer,
    toData: ({ params }) => ({ productId: params.productId }),
  }),
];
