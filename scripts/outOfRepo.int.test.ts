// Janus as a user gets it: every published package packed (`npm pack`), installed from the tarballs
// into a fresh project outside the repository, compiled there under `strict` with `skipLibCheck: false`,
// and run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
  let tarballs: Map<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'janus-out-of-repo-'));
    project = join(work, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    tarballs = await timed('npm pack (every published package)', () =>
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
    const programs = ['stores.ts', 'service.ts'];
    for (const program of programs) {
      copyFileSync(join(import.meta.dirname, 'outOfRepo', program), join(project, 'src', program));
    }
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

  test('a service declared with defineService answers a command and a query', async () => {
    const { stdout } = await timed('run the defineService program', () =>
      exec(process.execPath, ['dist/service.js'], project, { DATA_DIR: join(work, 'service-data') }),
    );
    expect(stdout).toBe('health 200\ncommand 200\nquery 200 {"counterId":"c1","value":1}\n');
  });

  test(
    'npm create janus: the new service installs, passes its npm test and serves on npm start',
    async () => {
      const service = join(work, 'my-service');
      const created = await timed('create-janus my-service', () =>
        exec(
          process.execPath,
          [join(project, 'node_modules', 'create-janus', 'dist', 'main.js'), service],
          work,
        ),
      );
      expect(created.stdout).toContain(`Made a Janus service in ${service}`);
      const manifest = JSON.parse(readFileSync(join(service, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      writeJson(join(service, 'package.json'), useTarballs(manifest, tarballs, root));
      await timed('npm install (the new service)', () => installProject(service, root));
      const tested = await timed('npm test (the new service)', () =>
        exec('npm', ['test'], service, { NO_COLOR: '1', FORCE_COLOR: '0' }),
      );
      expect(tested.stdout).toMatch(/Tests\s+6 passed/);
      const started = await timed('npm start, GET /health, SIGTERM', () => startAndStop(service));
      expect(started.status).toBe(200);
      expect(started.output).toContain('Admin console: http://127.0.0.1:');
      expect(started.output).toMatch(/"msg":"shut down"/);
    },
    // Two installs, a test run and a strict build with skipLibCheck false: minutes on a busy machine.
    600_000,
  );
});

/**
 * `npm start` in a service's folder (on any free port): waits for its banner, asks /health, then sends
 * SIGTERM to the whole process group (npm, its shell and node). npm dies of the signal; node shuts down
 * gracefully and logs it, and its output closes once it exited.
 */
async function startAndStop(dir: string): Promise<{ status: number; output: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const child = spawn('npm', ['start'], {
    cwd: dir,
    env: { ...inherited, PORT: '0', LOG_LEVEL: 'info' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const group = -(child.pid ?? 0);
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const closed = once(child, 'close');
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      void closed.then(() => {
        reject(new Error(`npm start ended before listening:\n${output}`));
      });
    });
    const { status } = await fetch(`${url}/health`);
    process.kill(group, 'SIGTERM');
    await closed;
    return { status, output };
  } catch (error) {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // Gone already.
    }
    throw error;
  }
}
