import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** One entry point of a published package, as its package.json `exports` declares it. */
export type PublishedEntry = {
  packageName: string;
  /** The package's folder, absolute. */
  packageDir: string;
  /** The subpath, `.` or `./testing`. */
  subpath: string;
  /** The report's name: `index` for `.`, else the subpath with `/` as `-` (`testing`, `store-kit`). */
  reportName: string;
  /** The built declaration file, absolute. */
  typesFile: string;
};

export type PublishedPackage = { name: string; dir: string; version: string };

type Manifest = { name: string; version: string; private?: boolean; exports?: Record<string, unknown> };

function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : undefined;
}

/** Every package under packages/ that is not private, sorted by name. */
export function publishedPackages(root: string): PublishedPackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      dir: join(packagesDir, entry.name),
      manifest: readManifest(join(packagesDir, entry.name)),
    }))
    .flatMap(({ dir, manifest }) =>
      manifest && manifest.private !== true ? [{ name: manifest.name, dir, version: manifest.version }] : [],
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function reportNameOf(subpath: string): string {
  return subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replaceAll('/', '-');
}

function typesOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target.endsWith('.d.ts') ? target : undefined;
  if (target === null || typeof target !== 'object') return undefined;
  const types = (target as Record<string, unknown>)['types'];
  return typeof types === 'string' ? types : undefined;
}

/** Every entry point with declarations of every published package (a bin-only package has none). */
export function publishedEntries(root: string): PublishedEntry[] {
  return publishedPackages(root).flatMap((pkg) => {
    const manifest = readManifest(pkg.dir);
    return Object.entries(manifest?.exports ?? {}).flatMap(([subpath, target]) => {
      const types = typesOf(target);
      if (types === undefined) return [];
      return [
        {
          packageName: pkg.name,
          packageDir: pkg.dir,
          subpath,
          reportName: reportNameOf(subpath),
          typesFile: join(pkg.dir, types),
        },
      ];
    });
  });
}
