import { describe, expect, test } from 'vitest';
import { useStores } from './support.js';
import type { ConformanceTarget } from './target.js';

/**
 * The key secret (KeySecretStore): kept in the store's own database, the first one kept wins, and every
 * caller after it, or at the same time, gets that one. So every process on one database makes the same
 * key fingerprints.
 */
export function describeKeySecret(target: ConformanceTarget): void {
  describe('key secret', () => {
    const stores = useStores(target);
    const candidate = (name: string) => `${name}-secret-${'x'.repeat(32)}`;

    test('the first secret kept wins; concurrent callers get the same one', async () => {
      const store = await stores.create();
      const [a, b] = await Promise.all([
        store.keepKeySecret(candidate('a')),
        store.keepKeySecret(candidate('b')),
      ]);
      expect(a).toBe(b);
      expect([candidate('a'), candidate('b')]).toContain(a);
      expect(await store.keepKeySecret(candidate('later'))).toBe(a);
      // Kept apart from the log.
      expect(await store.head()).toBe(0n);
    });

    test.runIf(target.reopen !== undefined)('the secret outlives the process that kept it', async () => {
      const store = await stores.create();
      const kept = await store.keepKeySecret(candidate('first'));
      const reopened = await stores.reopen(store);
      expect(await reopened.keepKeySecret(candidate('second'))).toBe(kept);
    });

    test('an empty secret is refused', async () => {
      const store = await stores.create();
      await expect(store.keepKeySecret('')).rejects.toThrow(/key secret/);
    });
  });
}
