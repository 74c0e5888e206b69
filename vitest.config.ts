import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const everything = [
  'packages/*/src/**/*.test.ts',
  'apps/*/src/**/*.test.ts',
  'bench/runner/src/**/*.test.ts',
  'docs/**/*.test.ts',
  'scripts/**/*.test.ts',
];

// Tests import workspace packages from their TypeScript sources (the `@janus/source` export condition),
// so a test never runs against a stale build.
export default defineConfig({
  resolve: { conditions: ['@janus/source'] },
  // The same for modules loaded on the server side (every test runs in Node).
  ssr: { resolve: { conditions: ['@janus/source', ...defaultServerConditions] } },
  test: {
    // Vitest's default is one worker per core but one; on a 2-core machine that is a single worker, and
    // most files wait on servers, PostgreSQL or child processes. Two keep the run well inside CI's budget.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'all', include: everything } },
      // The bank's end-to-end tests once more, each bank on a fresh PostgreSQL database (see serveBank).
      // JANUS_SKIP_PG=1 leaves them out on purpose, as it skips every PostgreSQL test.
      ...(process.env.JANUS_SKIP_PG === '1'
        ? []
        : [
            {
              extends: true,
              test: {
                name: 'bank-on-postgres',
                include: ['apps/bank/src/http/*.e2e.test.ts'],
                // These two run on PostgreSQL in the `all` project already.
                exclude: [
                  'apps/bank/src/http/postgres.e2e.test.ts',
                  'apps/bank/src/http/terminatedConnections.e2e.test.ts',
                ],
                env: { BANK_E2E_STORE: 'postgres' },
              },
            },
            // The analytics service's end-to-end tests once more, each server on a fresh PostgreSQL database.
            {
              extends: true,
              test: {
                name: 'analytics-on-postgres',
                include: ['apps/analytics/src/**/*.e2e.test.ts'],
                env: { ANALYTICS_E2E_STORE: 'postgres' },
              },
            },
            // The shop's end-to-end tests once more, each shop on a fresh PostgreSQL database (see serveShop).
            {
              extends: true,
              test: {
                name: 'shop-on-postgres',
                include: ['apps/shop/src/http/*.e2e.test.ts'],
                env: { SHOP_E2E_STORE: 'postgres' },
              },
            },
          ]),
    ],
  },
});
