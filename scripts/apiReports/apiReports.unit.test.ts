import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareApiReports, describeChanges, lineDiff } from './compareApiReports.js';
import { publishedEntries, publishedPackages, reportNameOf } from './publishedEntries.js';
import { declarationsProgram, renderApiReport } from './renderApiReport.js';

describe('API reports', () => {
  let root: string;

  // A repository with one published package (two entry points) and one private package.
  function writePackage(declarations: string): void {
    const dir = join(root, 'packages', 'demo');
    mkdirSync(join(dir, 'dist', 'testing'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: '@demo/demo',
        version: '1.0.0',
        exports: {
          '.': { types: './dist/index.d.ts', default: './dist/index.js' },
          './testing': { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' },
          './package.json': './package.json',
        },
      }),
    );
    writeFileSync(join(dir, 'dist', 'index.d.ts'), "export { greet, type Greeting } from './greet.js';\n");
    writeFileSync(join(dir, 'dist', 'greet.d.ts'), declarations);
    writeFileSync(join(dir, 'dist', 'testing', 'index.d.ts'), 'export declare const fixture: string;\n');
    const hidden = join(root, 'packages', 'hidden');
    mkdirSync(hidden, { recursive: true });
    writeFileSync(
      join(hidden, 'package.json'),
      JSON.stringify({ name: 'hidden', version: '1.0.0', private: true }),
    );
  }

  function reports(): Map<string, string> {
    const entries = publishedEntries(root);
    const program = declarationsProgram(entries, root);
    const names = new Map(publishedPackages(root).map((pkg) => [pkg.dir, pkg.name]));
    return new Map(entries.map((entry) => [entry.reportName, renderApiReport(program, entry, names)]));
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'janus-api-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('lists every entry point of every published package, and only those', () => {
    writePackage('export declare function greet(name: string): string;\nexport type Greeting = string;\n');
    expect(
      publishedEntries(root).map((entry) => [entry.packageName, entry.subpath, entry.reportName]),
    ).toEqual([
      ['@demo/demo', '.', 'index'],
      ['@demo/demo', './testing', 'testing'],
    ]);
    expect(reportNameOf('./testing/chromium')).toBe('testing-chromium');
  });

  it('prints each exported name with its declaration, in name order, without comments', () => {
    writePackage(
      '/** Says hello. */\nexport declare function greet(name: string): string;\n' +
        'export type Greeting = `hello ${string}`;\nexport declare function internal(): void;\n',
    );
    const index = reports().get('index')!;
    expect(index).toContain(
      '```ts\nexport type Greeting = `hello ${string}`;\n\nexport function greet(name: string): string;\n```',
    );
    expect(index).not.toContain('internal');
    expect(index).not.toContain('Says hello');
    expect(reports().get('testing')).toContain('export const fixture: string;');
  });

  it('check finds a changed signature, a new report and a stale one; agreeing reports give nothing', () => {
    writePackage('export declare function greet(name: string): string;\nexport type Greeting = string;\n');
    const before = reports();
    const onDisk = new Map([...before].map(([name, text]) => [`packages/demo/api/${name}.api.md`, text]));
    const same = new Map(onDisk);
    expect(compareApiReports(same, onDisk)).toEqual([]);

    writePackage(
      'export declare function greet(name: string, loud?: boolean): string;\nexport type Greeting = string;\n',
    );
    const after = reports();
    const expected = new Map([
      ['packages/demo/api/index.api.md', after.get('index')!],
      ['packages/demo/api/other.api.md', 'new\n'],
    ]);
    const changes = compareApiReports(expected, onDisk);
    expect(changes.map((change) => [change.path, change.kind])).toEqual([
      ['packages/demo/api/index.api.md', 'changed'],
      ['packages/demo/api/other.api.md', 'new'],
      ['packages/demo/api/testing.api.md', 'stale'],
    ]);
    expect(changes[0]!.diff).toContain('- export function greet(name: string): string;');
    expect(changes[0]!.diff).toContain('+ export function greet(name: string, loud?: boolean): string;');
    expect(describeChanges(changes)).toContain('packages/demo/api/index.api.md (changed)');
    expect(describeChanges(changes)).toContain('npm run api:update');
  });

  it('a line diff keeps two lines of context around each change', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h'].join('\n');
    expect(lineDiff(before, after)).toBe(['  c', '  d', '- e', '+ E', '  f', '  g'].join('\n'));
  });
});
