// What `npm pack` puts in each published package's tarball, read from `npm pack --dry-run --json`.
// Scripts are skipped (prepack would rebuild): the tarball is packed from the dist/ that `tsc -b` built.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, workspacePackages } from './workspacePackages.js';

const published = workspacePackages().filter((p) => p.published);

interface Packed {
  readonly name: string;
  readonly files: readonly { readonly path: string }[];
}

let tarballs: Map<string, readonly string[]>;

beforeAll(() => {
  const args = [
    'pack',
    '--dry-run',
    '--json',
    '--ignore-scripts',
    ...published.map((p) => `--workspace=${p.dir}`),
  ];
  const out = execFileSync('npm', args, {
    cwd: repositoryRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const packed = JSON.parse(out) as Packed[];
  tarballs = new Map(
    packed.map((p) => {
      const dir = join(repositoryRoot, published.find((w) => w.manifest.name === p.name)?.dir ?? '');
      const paths = p.files.map((f) => f.path);
      const stale = staleBuildOutputs(dir, paths);
      return [p.name, paths.filter((f) => !stale.has(f))];
    }),
  );
});

describe.each(published.map((p) => [p.manifest.name, p] as const))('the tarball of %s', (name, p) => {
  const files = () => tarballs.get(name) ?? [];
  const dir = join(repositoryRoot, p.dir);

  it('holds its LICENSE, README and built code', () => {
    expect(files()).toContain('LICENSE');
    expect(files()).toContain('README.md');
    expect(files()).toContain('dist/index.js');
    expect(files()).toContain('dist/index.d.ts');
  });

  it('ships no compiled tests and no tsbuildinfo', () => {
    // create-janus's template holds the new service's own tests, as sources.
    const shipped = files().filter((f) => !f.startsWith('template/'));
    expect(shipped.filter((f) => /\.test\.|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  it('ships a source map only with the sources it points at', () => {
    const missing: string[] = [];
    for (const map of files().filter((f) => f.endsWith('.map'))) {
      const { sources, sourceRoot } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const source of sources) {
        const path = normalize(join(dirname(map), sourceRoot ?? '', source));
        if (!files().includes(path)) missing.push(`${map} -> ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds every file its exports and bin name', () => {
    const targets: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(p.manifest.exports);
    collect(p.manifest.bin);
    const wanted = targets.filter((t) => !t.startsWith('./src/')).map((t) => normalize(t));
    expect(wanted.filter((t) => !files().includes(t))).toEqual([]);
  });

  it('asks a consumer for no test plumbing', () => {
    const asked = Object.keys({
      ...(p.manifest.dependencies as Record<string, string> | undefined),
      ...(p.manifest.peerDependencies as Record<string, string> | undefined),
    });
    expect(asked.filter((d) => d === 'playwright-core' || d === '@janus/test-support')).toEqual([]);
  });

  it('builds itself before it is packed', () => {
    const scripts = p.manifest.scripts as Record<string, string> | undefined;
    expect(scripts?.prepack).toMatch(/^tsc -b\b/);
  });

  it('declares every package its declarations import, with its types', () => {
    const declared = {
      ...(p.manifest.dependencies as Record<string, string> | undefined),
      ...(p.manifest.peerDependencies as Record<string, string> | undefined),
    };
    const missing = new Set<string>();
    for (const file of files().filter((f) => f.endsWith('.d.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'([^'.][^']*)'/g)) {
        if (specifier === undefined || specifier.startsWith('node:')) continue;
        const pkg = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        if (pkg === name) continue;
        if (!(pkg in declared)) missing.add(pkg);
        else if (!hasOwnTypes(pkg, dir)) {
          const typesPackage = `@types/${pkg.replace(/^@/, '').replace('/', '__')}`;
          if (!(typesPackage in declared)) missing.add(typesPackage);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});

/**
 * Outputs tsc left in dist/ for a source that is gone (a file moved to another package): `tsc -b` never
 * deletes them, a clean clone never has them. Known by their source map, whose source no longer exists;
 * the map, its output and the declaration beside them go together.
 */
function staleBuildOutputs(dir: string, paths: readonly string[]): Set<string> {
  const stale = new Set<string>();
  for (const map of paths.filter((f) => f.startsWith('dist/') && f.endsWith('.map'))) {
    const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
    if (sources.some((source) => !existsSync(join(dir, dirname(map), source)))) {
      const output = map.slice(0, -'.map'.length);
      for (const f of [map, output]) stale.add(f);
    }
  }
  return stale;
}

/** Whether the installed package carries its own declarations (else its types come from @types/...). */
function hasOwnTypes(pkg: string, from: string): boolean {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(manifest)) {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
      const text = JSON.stringify(m.exports ?? {});
      return 'types' in m || 'typings' in m || text.includes('"types"') || text.includes('.d.ts');
    }
    if (relative(repositoryRoot, dir) === '') return false;
  }
}
