import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the `@janus/source` export condition),
// so a test never runs against a stale build.
export default defineConfig({
  resolve: { conditions: ['@janus/source'] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'docs/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
