import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaffoldError, ownVersion, scaffold, templateDir } from './scaffold.js';

const repositoryPackages = join(import.meta.dirname, '..', '..');

type Manifest = {
  name: string;
  version: string;
  private?: boolean;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
};

function readJson(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

describe('scaffold', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'create-janus-'));
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('copies the template into a new folder named after it, with its .gitignore', () => {
    const dir = scaffold({ target: join(work, 'billing'), janusVersion: '1.2.3' });
    expect(dir).toBe(join(work, 'billing'));
    for (const file of [
      'src/service.ts',
      'src/main.ts',
      'src/tasks/task.unit.test.ts',
      'src/tasks/tasksView.unit.test.ts',
      'README.md',
    ]) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
    expect(existsSync(join(dir, '.gitignore'))).toBe(true);
    expect(existsSync(join(dir, 'gitignore'))).toBe(false);
    const manifest = readJson(join(dir, 'package.json'));
    expect(manifest.name).toBe('billing');
    expect(manifest.scripts).toMatchObject({ test: 'vitest run', start: 'tsc && node dist/main.js' });
    expect(readFileSync(join(dir, 'src/service.ts'), 'utf8')).toContain("name: 'billing'");
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# billing\n/);
  });

  it('pins every @janus dependency to the given version, and nothing else', () => {
    const dir = scaffold({ target: join(work, 'svc'), janusVersion: '1.2.3' });
    const dependencies = readJson(join(dir, 'package.json')).dependencies ?? {};
    const janus = Object.entries(dependencies).filter(([name]) => name.startsWith('@janus/'));
    expect(janus.length).toBeGreaterThan(0);
    expect(janus.every(([, version]) => version === '^1.2.3')).toBe(true);
    expect(dependencies['zod']).toBe(readJson(join(templateDir, 'package.json')).dependencies?.['zod']);
  });

  it('takes an empty folder that exists', () => {
    mkdirSync(join(work, 'empty'));
    expect(() => scaffold({ target: join(work, 'empty'), janusVersion: '1.0.0' })).not.toThrow();
  });

  it('refuses a folder that is not empty, and writes nothing into it', () => {
    const target = join(work, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');
    expect(() => scaffold({ target, janusVersion: '1.0.0' })).toThrow(
      new ScaffoldError(`${target} is not empty: choose a new folder, or empty this one first`),
    );
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('refuses a name npm would refuse', () => {
    expect(() => scaffold({ target: join(work, 'My Service'), janusVersion: '1.0.0' })).toThrow(
      /'My Service' cannot name a service/,
    );
    expect(existsSync(join(work, 'My Service'))).toBe(false);
  });
});

// Packages issue 13 is adding (the service kit), until they are on main.
const PENDING: string[] = [];

describe('the versions a new service gets', () => {
  it("are the repository's: create-janus has the version of every Janus package", () => {
    const versions = readdirSync(repositoryPackages)
      .filter((dir) => existsSync(join(repositoryPackages, dir, 'package.json')))
      .map((dir) => readJson(join(repositoryPackages, dir, 'package.json')))
      .filter((manifest) => manifest.private !== true)
      .map((manifest) => [manifest.name, manifest['version']]);
    expect(versions.filter(([, version]) => version !== ownVersion())).toEqual([]);
  });

  it('name packages of this repository', () => {
    const names = new Set(
      readdirSync(repositoryPackages)
        .filter((dir) => existsSync(join(repositoryPackages, dir, 'package.json')))
        .map((dir) => readJson(join(repositoryPackages, dir, 'package.json')).name),
    );
    const janus = Object.keys(readJson(join(templateDir, 'package.json')).dependencies ?? {}).filter((name) =>
      name.startsWith('@janus/'),
    );
    expect(janus.filter((name) => !names.has(name) && !PENDING.includes(name))).toEqual([]);
  });
});
