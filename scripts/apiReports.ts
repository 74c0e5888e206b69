// api:update writes packages/<pkg>/api/<entry>.api.md for every entry point of every published package;
// api:check fails, listing what differs, when the checked-in reports are not what the build gives.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { compareApiReports, describeChanges } from './apiReports/compareApiReports.js';
import { publishedEntries, publishedPackages } from './apiReports/publishedEntries.js';
import { declarationsProgram, renderApiReport } from './apiReports/renderApiReport.js';

// Compiled to .janus-tmp/scripts/, two levels below the root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The reports the build gives, by path relative to the root, formatted as prettier would. */
async function expectedReports(): Promise<Map<string, string>> {
  const entries = publishedEntries(root);
  const program = declarationsProgram(entries, root);
  const packageNames = new Map(publishedPackages(root).map((pkg) => [pkg.dir, pkg.name]));
  const reports = new Map<string, string>();
  for (const entry of entries) {
    const path = join(entry.packageDir, 'api', `${entry.reportName}.api.md`);
    const options = await prettier.resolveConfig(path);
    const text = await prettier.format(renderApiReport(program, entry, packageNames), {
      ...options,
      filepath: path,
    });
    reports.set(relative(root, path), text);
  }
  return reports;
}

/** The reports on disk, by path relative to the root. */
function reportsOnDisk(): Map<string, string> {
  const reports = new Map<string, string>();
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', pkg, 'api');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.api.md'))) {
      reports.set(relative(root, join(dir, file)), readFileSync(join(dir, file), 'utf8'));
    }
  }
  return reports;
}

async function main(mode: string | undefined): Promise<number> {
  if (mode !== '--update' && mode !== '--check') {
    process.stderr.write('usage: apiReports --update | --check\n');
    return 2;
  }
  const started = Date.now();
  const expected = await expectedReports();
  const changes = compareApiReports(expected, reportsOnDisk());
  const took = `${Date.now() - started} ms`;
  if (mode === '--check') {
    if (changes.length === 0) {
      process.stdout.write(`API reports match the build (${took}).\n`);
      return 0;
    }
    process.stderr.write(describeChanges(changes) + '\n');
    return 1;
  }
  for (const change of changes) {
    const path = join(root, change.path);
    if (change.kind === 'stale') rmSync(path);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, expected.get(change.path) ?? '');
    }
    process.stdout.write(`${change.kind === 'stale' ? 'removed' : 'wrote'} ${change.path}\n`);
  }
  process.stdout.write(`API reports up to date: ${changes.length} changed (${took}).\n`);
  return 0;
}

process.exitCode = await main(process.argv[2]);
