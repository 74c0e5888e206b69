import {
  NotFoundError,
  assertNever,
  decodeCursor,
  pageFrom,
  projection,
  query,
  returns,
  type ReadModels,
} from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { StockAdded, StockReleased, StockReserved, type InventoryEvent } from './inventory.js';
import { ProductAdded, ProductPriceChanged, type ProductEvent } from './product.js';

/** One product in the read model, with the units available (on hand and not reserved). */
export interface ProductDocument {
  readonly productId: string;
  readonly name: string;
  readonly emoji: string | null;
  /** Cents. */
  readonly price: bigint;
  readonly available: number;
  /** Always `catalog`: an indexed field every product shares, so the catalog can be listed. */
  readonly listing: 'catalog';
}

type Handled = Exclude<ProductEvent | InventoryEvent, { type: 'shop.StockReservationFailed.v1' }>;

function applyToProduct(doc: ProductDocument | undefined, event: Handled): ProductDocument | null {
  switch (event.type) {
    case 'shop.ProductAdded.v1': {
      const { productId, name, emoji, price } = event.data;
      return { productId, name, emoji, price, available: 0, listing: 'catalog' };
    }
    case 'shop.ProductPriceChanged.v1':
      return doc ? { ...doc, price: event.data.price } : null;
    case 'shop.StockAdded.v1':
    case 'shop.StockReserved.v1':
    case 'shop.StockReleased.v1':
      // Every inventory event carries what is available after it.
      return doc ? { ...doc, available: event.data.available } : null;
    default:
      return assertNever(event);
  }
}

/** The catalog's read model: `GET /products` and `GET /products/{productId}`. */
export const productsView = projection({
  name: 'shop.products',
  // 2: documents carry `listing`, indexed, for the catalog's list.
  version: 2,
  handles: [ProductAdded, ProductPriceChanged, StockAdded, StockReserved, StockReleased],
  id: (event) => event.data.productId,
  indexes: ['listing'],
  apply: (doc: ProductDocument | undefined, event) => applyToProduct(doc, event),
});

export interface ProductView {
  readonly productId: string;
  readonly name: string;
  readonly emoji: string | null;
  readonly price: string;
  readonly available: number;
}

export const GetProduct = query(
  'shop.GetProduct',
  z.object({ productId: z.string() }),
  returns<ProductView>(),
);

const toProductView = ({ productId, name, emoji, price, available }: ProductDocument): ProductView => ({
  productId,
  name,
  emoji,
  price: formatMoney(price),
  available,
});

export async function getProduct(readModels: ReadModels, productId: string): Promise<ProductView> {
  const doc = await readModels.documents(productsView).get(productId);
  if (!doc) throw new NotFoundError(`product '${productId}' does not exist`);
  return toProductView(doc);
}

export interface ProductPage {
  /** By product id (code-unit order). */
  readonly products: readonly ProductView[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export const ListProducts = query(
  'shop.ListProducts',
  z.object({
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(50),
    cursor: z.string().optional(),
  }),
  returns<ProductPage>(),
);

/** A cursor names the id of the last product a page showed (ids are 1-64 of A-Z a-z 0-9 _ -). */
const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `GET /products?limit=&cursor=`: the catalog a page at a time, by product id. */
export async function listProducts(
  readModels: ReadModels,
  params: { readonly limit?: number; readonly cursor?: string | undefined },
): Promise<ProductPage> {
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor, PRODUCT_ID);
  const docs = await readModels.documents(productsView).find('listing', 'catalog');
  const rest = docs
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .filter((doc) => after === undefined || doc.productId > after);
  const page = pageFrom(rest, params.limit ?? 50, (doc) => doc.productId);
  return { products: page.items.map(toProductView), nextCursor: page.nextCursor };
}
