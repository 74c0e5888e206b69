// Makes a new service from the template: copies it, names it, and pins its @janus packages to the
// version of Janus this create-janus belongs to (every Janus package is released with the same version).
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The template, beside src/ and dist/ in the package. */
export const templateDir = fileURLToPath(new URL('../template', import.meta.url));

/** The name the template uses for itself, replaced by the new service's. */
const TEMPLATE_NAME = 'my-service';

// npm leaves a .gitignore out of tarballs, so the template keeps it without its dot.
const RENAMES: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

// The files that say the service's name.
const NAMED_FILES = ['package.json', 'README.md', 'src/service.ts', 'src/access.ts'];

export class ScaffoldError extends Error {
  override get name(): string {
    return 'ScaffoldError';
  }
}

export interface ScaffoldOptions {
  /** Where the service goes: a folder that does not exist or is empty. */
  readonly target: string;
  /** The version of the @janus packages the service depends on (`^version`). */
  readonly janusVersion: string;
  /** The service's name; default the target folder's name. */
  readonly name?: string;
}

/** What npm accepts as a package name, without a scope: lower case, digits, `-`, `_` and `.`. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,213}$/;

/** Copies the template into `target`; answers the service's folder, absolute. Refuses a non-empty folder. */
export function scaffold(options: ScaffoldOptions): string {
  const target = resolve(options.target);
  const name = options.name ?? basename(target);
  if (!PACKAGE_NAME.test(name)) {
    throw new ScaffoldError(
      `'${name}' cannot name a service: use lower case letters, digits, '-', '_' or '.' (an npm package name)`,
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ScaffoldError(`${target} is not empty: choose a new folder, or empty this one first`);
  }
  cpSync(templateDir, target, { recursive: true, errorOnExist: true, force: false });
  for (const [from, to] of Object.entries(RENAMES)) {
    if (existsSync(join(target, from))) renameSync(join(target, from), join(target, to));
  }
  for (const file of NAMED_FILES) {
    const path = join(target, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(TEMPLATE_NAME, name));
  }
  const manifestPath = join(target, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const dependency of Object.keys(manifest.dependencies)) {
    if (dependency.startsWith('@janus/')) manifest.dependencies[dependency] = `^${options.janusVersion}`;
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return target;
}

/** This package's version: the version of Janus it makes services with. */
export function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
