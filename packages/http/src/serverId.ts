import { createHash } from 'node:crypto';

/**
 * An id the server makes for a command (an account, a transaction, a transfer), derived from the
 * command's message id: a retry under the same Idempotency-Key names the very same things. Without a
 * key the message id is random, and so are these.
 */
export function serverId(messageId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${messageId}/${purpose}`).digest('hex');
  // A version-8 (custom) UUID of RFC 9562: the version digit, and the variant bits 10 in the next group.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
