import { randomUUID } from 'node:crypto';

const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The correlation id of a request: the client's `X-Correlation-Id` when it is a plain token (at most 128
 * characters of letters, digits and `._:@/+=-`, so that it is safe in logs and headers), else a new UUID.
 */
export function correlationId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE.test(value) ? value : randomUUID();
}
