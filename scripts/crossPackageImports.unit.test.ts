// No file reaches into another workspace package by a relative path (`../../../http/src/testing/…`):
// each package is used through its name and its exports, as an installed copy would be. Test plumbing
// that several packages share lives in @janus/test-support.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect, test } from 'vitest';
import { repositoryRoot, workspacePackages } from './workspacePackages.js';

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import of `file` that leaves `home`, as `file -> specifier`. */
function importsLeaving(file: string, text: string, home: string): string[] {
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2] ?? '')
    .filter((specifier) => {
      const target = resolve(dirname(file), specifier);
      return target !== home && !target.startsWith(home + sep);
    })
    .map((specifier) => `${relative(repositoryRoot, file)} -> ${specifier}`);
}

test('the check sees an import into another package, and not one inside the package', () => {
  const home = join(repositoryRoot, 'apps/bank');
  const file = join(home, 'src/http/x.e2e.test.ts');
  const text =
    "import { a } from '../../../../packages/http/src/testing/rawHttp.js';\nimport { b } from '../b.js';";
  expect(importsLeaving(file, text, home)).toEqual([
    'apps/bank/src/http/x.e2e.test.ts -> ../../../../packages/http/src/testing/rawHttp.js',
  ]);
});

test('no workspace package imports another by a relative path', () => {
  const offenders = workspacePackages().flatMap(({ dir }) => {
    const home = join(repositoryRoot, dir);
    return sources(home).flatMap((file) => importsLeaving(file, readFileSync(file, 'utf8'), home));
  });
  expect(offenders).toEqual([]);
});
