import { createHash } from 'node:crypto';

/**
 * An id the server makes for a command (an account, a transaction, a transfer), derived from the
 * command's message id: a retry under the same Idempotency-Key names the very same things. Without a
 * key the message id is random, and so are these.
 */
export function serverId(messageId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${messageId}/${purpose}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
