import { ValidationError } from './errors.js';

/**
 * Where a service keeps the secret its key fingerprints (principal ids) are made with: in the event
 * store's own database, so that every process serving one database agrees on every fingerprint (in logs,
 * event metadata, the admin console, and the scopes of idempotency keys).
 */
export interface KeySecretStore {
  /**
   * Keeps `candidate` as the secret unless one is kept already: the first writer wins, for good. Answers
   * the secret kept, `candidate` or the one before it.
   */
  keepKeySecret(candidate: string): Promise<string>;
}

/** Whether a store keeps a key secret (the capability may hide behind a proxy, so: by its method). */
export function isKeySecretStore(store: object): store is KeySecretStore {
  return typeof (store as Partial<KeySecretStore>).keepKeySecret === 'function';
}

/** Checks a candidate secret the same way in every store. Throws ValidationError. */
export function validateKeySecret(candidate: string): void {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 1024) {
    throw new ValidationError('a key secret is a non-empty string of at most 1024 characters');
  }
}
