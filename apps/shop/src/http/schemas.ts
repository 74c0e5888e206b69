// The wire form of answers, for the OpenAPI document (answers are not validated against them).
import { z } from 'zod';
import { OrderStatus } from '../orders/order.js';

const Money = z
  .string()
  .meta({ description: 'Money: a decimal string with two fraction digits.', examples: ['12.50'] });
export const Position = z.number().int().meta({ description: 'The log position of the last event written.' });

export const PositionAnswer = z.object({ position: Position });

export const ProductAnswer = z.object({
  productId: z.string(),
  name: z.string(),
  emoji: z.string().nullable(),
  price: Money,
  available: z.number().int(),
});

export const ProductPageAnswer = z.object({
  products: z.array(ProductAnswer),
  nextCursor: z.string().nullable(),
});

export const CartAnswer = z.object({
  customerId: z.string(),
  items: z.array(
    z.object({
      productId: z.string(),
      name: z.string(),
      emoji: z.string().nullable(),
      quantity: z.number().int(),
      unitPrice: Money,
      lineTotal: Money,
    }),
  ),
  total: Money,
});

const OrderItems = z.array(
  z.object({ productId: z.string(), quantity: z.number().int(), unitPrice: Money, lineTotal: Money }),
);

export const OrderAnswer = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: OrderStatus,
  revision: z.number().int(),
  items: OrderItems,
  total: Money,
  reason: z.string().nullable(),
  change: z
    .object({
      revision: z.number().int(),
      status: z.enum(['pending', 'refused']),
      items: OrderItems,
      total: Money,
      reason: z.string().nullable(),
    })
    .nullable()
    .meta({
      description:
        "A confirmed order's last change: `pending` while the workflow reserves it, `refused` (with the " +
        'reason) when it could not, the order keeping its items; null once applied.',
    }),
  placedAt: z.string(),
  updatedAt: z.string(),
});

export const OrderListAnswer = z.object({ orders: z.array(OrderAnswer) });
export const ReportAnswer = z.object({
  orders: z.array(OrderAnswer),
  count: z.number().int(),
  total: Money,
  nextCursor: z.string().nullable(),
});
export const PlacedAnswer = z.object({ orderId: z.string(), total: Money, position: Position });
