import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');

test('core lists no runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
    expect(pkg[field] ?? {}, field).toEqual({});
  }
});

test('core source imports only itself and node built-ins', () => {
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const source = readFileSync(join(root, 'src', file), 'utf8');
    for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
      expect(
        specifier?.startsWith('.') || specifier?.startsWith('node:'),
        `${file} imports ${specifier}`,
      ).toBe(true);
    }
  }
});
