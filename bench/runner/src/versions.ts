// Versions of the packages measured, read from their installed package.json files.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (this file runs from bench/runner/src or bench/runner/dist). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The installed version of a package in the root node_modules, or 'unknown'. */
export function packageVersion(name: string): string {
  try {
    const file = path.join(repoRoot, 'node_modules', name, 'package.json');
    const { version } = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `name version` for each package: `@janus/sqlite 0.1.0, better-sqlite3 12.11.1`. */
export const versionsOf = (...names: string[]): string =>
  names.map((name) => `${name} ${packageVersion(name)}`).join(', ');
