// Money in the shop is the money of every Janus service (@janus/http): bigint cents inside, decimal
// strings ("12.50") at the edges. Never `number`.
import { z } from 'zod';

export { Cents, formatMoney, MoneyAmount as PriceAmount, MAX_AMOUNT as MAX_PRICE } from '@janus/http';

/** Cents of a total: never negative. */
export const TotalCents = z.bigint().min(0n, 'is never negative');
