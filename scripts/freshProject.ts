// A project outside the repository that installs Janus from packed tarballs, as a user's project would.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publishedPackages } from './apiReports/publishedEntries.js';

const run = promisify(execFile);

export type CommandOutput = { stdout: string; stderr: string };

/**
 * Runs a command and answers its output; a failure's message carries the whole output. npm's own
 * `npm_*` variables (set when this runs under `npm test`) are left out, so that an npm started here
 * works on its own project, not on the repository's workspaces.
 */
export async function exec(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CommandOutput> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  try {
    return await run(command, args, { cwd, env: { ...inherited, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** The name of the tarball `npm pack` writes for a package: `@janus/core` 0.1.0 → janus-core-0.1.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** Packs every published package (as built) into `destination`; answers each tarball, by package name. */
export async function packPublished(root: string, destination: string): Promise<Map<string, string>> {
  mkdirSync(destination, { recursive: true });
  const packages = publishedPackages(root);
  const workspaces = packages.flatMap((pkg) => ['--workspace', pkg.dir]);
  // Without prepack: `npm test` built dist/ already (tsc -b), and eight more incremental builds cost ~20 s.
  await exec(
    'npm',
    ['pack', ...workspaces, '--pack-destination', destination, '--ignore-scripts', '--silent'],
    root,
  );
  return new Map(packages.map((pkg) => [pkg.name, join(destination, tarballName(pkg.name, pkg.version))]));
}

/** The version of a package installed in the repository (the fresh project asks for the same). */
export function repositoryVersion(root: string, name: string): string {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * Points a project's package.json at the tarballs: every @janus package (also where another package
 * depends on it) resolves to its tarball, never to a registry or a workspace link; better-sqlite3 to
 * the repository's version, whose built binary `installProject` reuses.
 */
export function useTarballs(
  manifest: Record<string, unknown>,
  tarballs: ReadonlyMap<string, string>,
  root: string,
): Record<string, unknown> {
  const dependencies = { ...(manifest['dependencies'] as Record<string, string> | undefined) };
  const pinned: Record<string, string> = {};
  for (const [name, file] of tarballs) {
    pinned[name] = `file:${file}`;
    if (name in dependencies) dependencies[name] = `file:${file}`;
  }
  return {
    ...manifest,
    dependencies,
    overrides: { ...pinned, 'better-sqlite3': repositoryVersion(root, 'better-sqlite3') },
  };
}

/** The strictest settings a user may compile with: `strict`, and `skipLibCheck: false`. */
export const strictTsconfig = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    outDir: 'dist',
    rootDir: 'src',
  },
  include: ['src'],
};

/**
 * `npm install` in a project, without install scripts: better-sqlite3 cannot download its prebuilt
 * binary without the internet, so the repository's built binary (same Node, same version) is copied in.
 */
export async function installProject(dir: string, root: string): Promise<void> {
  await exec('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  const driver = join(dir, 'node_modules', 'better-sqlite3');
  if (!existsSync(driver)) return;
  const release = join(driver, 'build', 'Release');
  mkdirSync(release, { recursive: true });
  copyFileSync(
    join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    join(release, 'better_sqlite3.node'),
  );
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
