import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, workspacePackages } from './workspacePackages.js';

const REPOSITORY = 'https://github.com/janus-es/janus';

describe('every workspace package.json', () => {
  it.each(workspacePackages().map((p) => [p.dir, p] as const))(
    '%s carries the publishing metadata',
    (dir, p) => {
      const m = p.manifest;
      expect(m.license).toBe('MIT');
      expect(m.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: dir });
      expect(m.homepage).toMatch(new RegExp(`^${REPOSITORY}`));
      expect(m.bugs).toEqual({ url: `${REPOSITORY}/issues` });
      expect(m.engines).toEqual({ node: '>=20.19' });
      // false, or the list of files that do something when imported (a main, a bin, stylesheets).
      const sideEffects = m.sideEffects;
      expect(sideEffects === false || (Array.isArray(sideEffects) && sideEffects.length > 0)).toBe(true);
    },
  );
});

describe('every published package', () => {
  const published = workspacePackages().filter((p) => p.published);

  it('is at least the libraries under packages/', () => {
    expect(published.map((p) => p.dir)).toContain('packages/core');
    expect(published.every((p) => p.dir.startsWith('packages/'))).toBe(true);
  });

  it.each(published.map((p) => [p.dir] as const))('%s has the root LICENSE', (dir) => {
    const license = join(repositoryRoot, dir, 'LICENSE');
    expect(existsSync(license)).toBe(true);
    expect(readFileSync(license, 'utf8')).toBe(readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8'));
  });
});

it('the root LICENSE is MIT, held by the Janus authors', () => {
  const text = readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8');
  expect(text).toMatch(/^MIT License/);
  expect(text).toContain('Copyright (c) 2026 The Janus authors');
});
