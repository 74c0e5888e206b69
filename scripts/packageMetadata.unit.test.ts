import { execFileSync } from 'node:child_process';
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

describe('changesets', () => {
  const published = workspacePackages().filter((p) => p.published);

  it.each(published.map((p) => [p.dir, p] as const))('%s keeps a CHANGELOG named after it', (dir, p) => {
    const changelog = join(repositoryRoot, dir, 'CHANGELOG.md');
    expect(existsSync(changelog)).toBe(true);
    expect(readFileSync(changelog, 'utf8').split('\n')[0]).toBe(`# ${p.manifest.name}`);
  });

  it('the publish-ready changeset names every published package', () => {
    const text = readFileSync(join(repositoryRoot, '.changeset/publish-ready-packages.md'), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '';
    const named = [...front.matchAll(/^["']([^"']+)["']: (?:patch|minor|major)$/gm)].map((m) => m[1]);
    expect(named.sort()).toEqual(published.map((p) => p.manifest.name).sort());
  });
});

describe('npm run test:unit', () => {
  const unitTests = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '*.unit.test.ts'],
    {
      cwd: repositoryRoot,
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((f) => f !== '' && existsSync(join(repositoryRoot, f)));

  it('runs the unit tests of the one vitest project', () => {
    const root = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(root.scripts['test:unit']).toBe('vitest run --project all .unit.test.ts');
    expect(unitTests.length).toBeGreaterThan(0);
  });

  // It promises a run without PostgreSQL and Chromium: a unit test that opens either belongs in another tier.
  it.each(unitTests.map((f) => [f] as const))('%s imports no database driver and no browser', (file) => {
    const imports = [...readFileSync(join(repositoryRoot, file), 'utf8').matchAll(/from '([^']+)'/g)].map(
      (m) => m[1],
    );
    expect(
      imports.filter((i) =>
        /^(pg|playwright-core|@janus\/postgres)$|chromium|[tT]estDatabase|tempDatabase/.test(i ?? ''),
      ),
    ).toEqual([]);
  });
});
