import { NotFoundError, assertNever, projection, query, returns, type ReadModels } from '@janus/core';
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
}

type Handled = Exclude<ProductEvent | InventoryEvent, { type: 'shop.StockReservationFailed.v1' }>;

function applyToProduct(doc: ProductDocument | undefined, event: Handled): ProductDocument | null {
  switch (event.type) {
    case 'shop.ProductAdded.v1': {
      const { productId, name, emoji, price } = event.data;
      return { productId, name, emoji, price, available: 0 };
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

/** The catalog's read model: `GET /products/{productId}`. */
export const productsView = projection({
  name: 'shop.products',
  version: 1,
  handles: [ProductAdded, ProductPriceChanged, StockAdded, StockReserved, StockReleased],
  id: (event) => event.data.productId,
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

export async function getProduct(readModels: ReadModels, productId: string): Promise<ProductView> {
  const doc = await readModels.documents(productsView).get(productId);
  if (!doc) throw new NotFoundError(`product '${productId}' does not exist`);
  return { ...doc, price: formatMoney(doc.price) };
}
