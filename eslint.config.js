import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// packages/create-janus/template is a project of its own: the out-of-repository test compiles and tests it.
export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      'packages/create-janus/template/**',
      '**/node_modules/**',
      '**/*.d.ts',
      '.janus-tmp/**',
      'data/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.ts', 'packages/*/bench/*.js', 'packages/cli/bin/*.js'],
        },
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Domain code (deciders, events, projections: every app folder but its transport and test wiring)
  // depends on @janus/core and @janus/money only, so a decider never pulls in a web server.
  {
    files: ['apps/*/src/*/**/*.ts', 'apps/*/src/{bank,shop,analytics,commandDeps,fields}.ts'],
    ignores: ['apps/*/src/{http,browser,testing}/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fastify',
                '@fastify/*',
                'pino',
                'prom-client',
                '@janus/http',
                '@janus/http/*',
                '@janus/service',
                '@janus/service/*',
                '@janus/console',
                '@janus/console/*',
                '**/http/*',
              ],
              message: 'domain code depends on @janus/core and @janus/money only, never on a transport',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/bench/**', 'docs/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
