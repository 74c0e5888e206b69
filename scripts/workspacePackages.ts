import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface WorkspacePackage {
  /** The folder, relative to the root, e.g. `packages/core`. */
  readonly dir: string;
  readonly manifest: Record<string, unknown> & { name: string; private?: boolean };
  /** Not private: it goes to the registry, with a LICENSE, a CHANGELOG and a tarball test. */
  readonly published: boolean;
}

/** Every workspace named in the root package.json, in its order. */
export function workspacePackages(): WorkspacePackage[] {
  const root = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return root.workspaces
    .filter((dir) => existsSync(join(repositoryRoot, dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(
        readFileSync(join(repositoryRoot, dir, 'package.json'), 'utf8'),
      ) as WorkspacePackage['manifest'];
      return { dir, manifest, published: manifest.private !== true };
    });
}
