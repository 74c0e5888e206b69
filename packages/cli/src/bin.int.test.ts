import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { cliPath } from './testing/cliProcess.js';

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '..');
const repositoryRoot = path.resolve(packageDir, '../..');
const shim = path.join(packageDir, 'bin/janus.js');

const failure = (error: unknown) => error as { code: number; stdout: string; stderr: string };

// npm links a bin at install time only if its file exists, and dist/ is built later (`npm start`): the bin
// is a checked-in shim that runs dist/main.js.
describe('the janus bin', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bin-'));
  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('package.json points bin at the checked-in shim', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(path.resolve(packageDir, manifest.bin.janus ?? '')).toBe(shim);
  });

  test('runs the built CLI: janus --help', async () => {
    expect(fs.existsSync(cliPath)).toBe(true);
    const { stdout, stderr } = await run(process.execPath, [shim, '--help']);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: janus \[options\] \[command\]/);
  });

  test('npx janus --help works from the repository root (the link npm install made)', async () => {
    const { stdout } = await run('npx', ['--no-install', 'janus', '--help'], { cwd: repositoryRoot });
    expect(stdout).toMatch(/^Usage: janus \[options\] \[command\]/);
  });

  test('before the build, it says to build instead of a module-not-found stack', async () => {
    // The shim alone, in a copy of the package's layout without dist/.
    fs.mkdirSync(path.join(scratch, 'bin'));
    fs.copyFileSync(shim, path.join(scratch, 'bin/janus.js'));
    fs.writeFileSync(path.join(scratch, 'package.json'), '{"type":"module"}');
    const error = failure(
      await run(process.execPath, [path.join(scratch, 'bin/janus.js'), '--help']).then(
        () => expect.unreachable('the shim succeeded without dist/'),
        (e: unknown) => e,
      ),
    );
    expect(error.code).toBe(1);
    expect(error.stdout).toBe('');
    expect(error.stderr).toContain('the CLI is not built yet');
    expect(error.stderr).toContain('npm run build');
  });
});
