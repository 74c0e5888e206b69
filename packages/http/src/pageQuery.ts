// The query parameters of a paged list, the same on every service: `?limit=&cursor=`.
import { z } from 'zod';

/** `?limit=`: a whole number from 1 to 500, written plainly ("50", not "5e1" or "050"). */
export const PageLimit = z
  .string()
  .regex(/^[1-9][0-9]{0,2}$/, 'must be a whole number from 1 to 500')
  .transform(Number)
  .refine((n) => n <= 500, 'must be a whole number from 1 to 500');

/** `?cursor=`: as a page's `nextCursor` gave it; the query itself refuses one the service did not make. */
export const PageCursor = z.string().max(200, 'is not a cursor this service made');
