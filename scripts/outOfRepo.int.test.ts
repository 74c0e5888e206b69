// Janus as a user gets it: every published package packed (`npm pack`), installed from the tarballs
// into a fresh project outside the repository, compiled there under `strict` with `skipLibCheck: false`,
// and run.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  exec,
  installProject,
  packPublished,
  repositoryVersion,
  strictTsconfig,
  useTarballs,
  writeJson,
} from './freshProject.js';

const root = join(import.meta.dirname, '..');
const skipPostgres = process.env['JANUS_SKIP_PG'] === '1';
const serverUrl = process.env['JANUS_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const timings: [string, number][] = [];

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings.push([step, Date.now() - started]);
  }
}

/** The README's quick start: the first TypeScript block after its "Quick start" heading. */
function readmeQuickStart(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README.md has no quick start code block');
  return match[1];
}

describe('Janus installed from its tarballs, outside the repository', () => {
  let work: string;
  let project: string;
  let compiled: Promise<string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'janus-out-of-repo-'));
    project = join(work, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    const tarballs = await timed('npm pack (every published package)', () =>
      packPublished(root, join(work, 'packs')),
    );
    const manifest = {
      name: 'janus-out-of-repo',
      private: true,
      type: 'module',
      dependencies: {
        ...Object.fromEntries([...tarballs.keys()].map((name) => [name, '*'])),
        zod: `^${repositoryVersion(root, 'zod')}`,
      },
      devDependencies: {
        typescript: repositoryVersion(root, 'typescript'),
        '@types/node': `^${repositoryVersion(root, '@types/node')}`,
      },
    };
    writeJson(join(project, 'package.json'), useTarballs(manifest, tarballs, root));
    writeJson(join(project, 'tsconfig.json'), strictTsconfig);
    writeFileSync(join(project, 'src', 'quickstart.ts'), readmeQuickStart());
    copyFileSync(join(import.meta.dirname, 'outOfRepo', 'stores.ts'), join(project, 'src', 'stores.ts'));
    await timed('npm install (the tarballs, no workspace links)', () => installProject(project, root));
    // tsc emits even when it reports errors, so the programs still run and say what else fails.
    compiled = timed('tsc --strict, skipLibCheck false', () =>
      exec(
        process.execPath,
        [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
        project,
      ).then(
        () => '',
        (error: unknown) => String(error),
      ),
    );
    await compiled;
  }, 600_000);

  afterAll(() => {
    const lines = timings.map(([step, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${step}`);
    console.log(`out-of-repository test, timings:\n${lines.join('\n')}`);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the packages and the programs compile under strict with skipLibCheck false', async () => {
    expect(await compiled).toBe('');
  });

  test("the README's quick start runs", async () => {
    const { stdout } = await timed('run the quick start', () =>
      exec(process.execPath, ['dist/quickstart.js'], project),
    );
    expect(stdout).toBe('{ items: { pear: 1 } }\nDomainError: item-not-in-cart\n');
  });

  test.skipIf(skipPostgres)('a program on the SQLite store and on the PostgreSQL store runs', async () => {
    const name = `janus_out_of_repo_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const { stdout } = await timed('run the stores program', () =>
        exec(process.execPath, ['dist/stores.js'], project, {
          DATABASE_URL: url.toString(),
          SQLITE_FILE: join(work, 'stores.db'),
        }),
      );
      expect(stdout).toBe(
        'sqlite: {"account":"a","cents":350} at 2\npostgres: {"account":"a","cents":350} at 2\n',
      );
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  test.todo('a service built with defineService starts, answers /health and stops on SIGTERM');
});
