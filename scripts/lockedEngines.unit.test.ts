// `npm install` on Node 20 prints an EBADENGINE warning for every locked package whose engines.node
// excludes it (cookie@2 through fastify did). The root's overrides keep them out; this keeps them out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { expect, it } from 'vitest';
import { repositoryRoot } from './workspacePackages.js';

const OLDEST_NODE = '20.19.0';

interface LockedPackage {
  readonly version?: string;
  readonly engines?: Record<string, string> | readonly string[];
}

it(`every locked package runs on Node ${OLDEST_NODE}`, () => {
  const lock = JSON.parse(readFileSync(join(repositoryRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  const excluding = Object.entries(lock.packages).flatMap(([path, locked]) => {
    // Old manifests give engines as an array of strings; npm only checks the object form.
    const range = Array.isArray(locked.engines)
      ? undefined
      : (locked.engines as Record<string, string> | undefined)?.node;
    return range === undefined || semver.satisfies(OLDEST_NODE, range, { includePrerelease: true })
      ? []
      : [`${path}@${locked.version ?? '?'} wants node ${range}`];
  });
  expect(excluding).toEqual([]);
});

it('the root and the workspaces ask for the same Node', () => {
  const root = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  expect(semver.minVersion(root.engines.node)?.version).toBe(OLDEST_NODE);
});
