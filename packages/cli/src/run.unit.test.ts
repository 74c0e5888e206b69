import { describe, expect, test } from 'vitest';
import type { CliIo } from './io.js';
import { run } from './run.js';

/** The program in-process, writing to strings: for what needs no database. */
async function runInProcess(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const io: Partial<CliIo> = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: false,
    env: {},
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('run (in-process, injected io)', () => {
  test('--help goes to the injected stdout, exit 0', async () => {
    const { code, stdout, stderr } = await runInProcess(['projections', '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: janus projections/);
    expect(stdout).toContain('rebuild [options] <name>');
  });

  test('usage errors are one line on stderr, exit 2', async () => {
    expect(await runInProcess(['streams', 'list'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'janus: missing --db <file>: the SQLite database of the application (see janus --help)\n',
    });
    expect(await runInProcess(['events', 'tail', '--from', 'start', '--db', 'x.db'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "janus: option '--from <position>' argument 'start' is invalid. expected a log position (0, 1, 2, …), got 'start'\n",
    });
  });
});
