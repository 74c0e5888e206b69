import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from './testing/cliProcess.js';
import { TempDatabase } from './testing/tempDatabase.js';

// Without a database: the child processes can run side by side.
describe.concurrent('--help', () => {
  test('the program lists its commands, the exit codes and examples', async () => {
    const { code, stdout, stderr } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: janus \[options\] \[command\]/);
    for (const text of ['streams', 'events', 'projections', '--db <file>', '--url <url>', '--json']) {
      expect(stdout).toContain(text);
    }
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toMatch(/^ {2}2 {4}usage error/m);
    expect(stdout).toContain('$ janus --db bank.db projections status');
  });

  test.each([
    ['streams', 'list'],
    ['streams', 'show'],
    ['events', 'tail'],
    ['projections', 'status'],
    ['projections', 'rebuild'],
    ['projections', 'skip'],
  ])('janus %s %s --help describes it, with examples', async (group, command) => {
    const { code, stdout } = await runCli([group, command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: janus ${group} ${command} `));
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain(`$ janus --db bank.db ${group} ${command}`);
  });

  test('--version prints the version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe('0.1.0\n');
  });
});

// Without a database, side by side too.
describe.concurrent('usage errors', () => {
  test.each([
    [[], 'a command is missing'],
    [['streams', 'list'], 'missing --db <file>'],
    [['--db', 'x.db', 'streams', 'frob'], "unknown command 'frob'"],
    [['--db', 'x.db', 'streams', 'list', '--frob'], "unknown option '--frob'"],
    [['--db', 'x.db', 'streams', 'list', '--limit', 'ten'], "argument 'ten' is invalid"],
    [['--db', 'x.db', 'streams', 'show'], "missing required argument 'stream'"],
    [['--db', 'x.db', 'projections', 'skip', 'bank.balances', 'third'], "value 'third' is invalid"],
    [['--db', 'x.db', 'projections', 'skip', 'bank.balances', '-1'], "value '-1' is invalid"],
    [['--db', 'x.db', 'projections', 'rebuild', 'bank.balances', '--timeout', 'soon'], "'soon' is invalid"],
    [['--db', 'x.db', '--url', 'postgres://h/db', 'streams', 'list'], 'either --db or --url, not both'],
  ])('2: usage error: janus %j', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    // The error itself is one line `janus: …` (a missing command shows the help before it).
    const last = stderr.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^janus: /);
    if (args.length > 0) {
      expect(stderr.split('\n')).toEqual([last, '']);
      expect(stdout).toBe('');
    }
  });
});

describe('exit codes with a database', () => {
  let db: TempDatabase;

  beforeEach(async () => {
    db = new TempDatabase();
    const store = await db.open();
    await store.append('account-1', [{ type: 'bank.AccountOpened.v1', data: {} }]);
  });

  afterEach(async () => {
    await db.dispose();
  });

  test('0: success', async () => {
    expect((await runCli(['--db', db.file, 'streams', 'list'])).code).toBe(0);
  });

  test('1: a database file that does not exist, which is not created', async () => {
    const missing = path.join(db.dir, 'typo.db');
    const { code, stderr } = await runCli(['--db', missing, 'streams', 'list']);
    expect(code).toBe(1);
    expect(stderr).toBe(`janus: no such database file: ${missing}\n`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  test('1: a file that is not an SQLite database, which is left alone', async () => {
    const notes = path.join(db.dir, 'notes.txt');
    fs.writeFileSync(notes, 'not a database, just some notes\n');
    const { code, stderr } = await runCli(['--db', notes, 'streams', 'list']);
    expect(code).toBe(1);
    expect(stderr).toBe(`janus: ${notes} is not an SQLite database\n`);
    expect(fs.readFileSync(notes, 'utf8')).toBe('not a database, just some notes\n');

    const empty = path.join(db.dir, 'empty.db');
    fs.writeFileSync(empty, '');
    expect(await runCli(['--db', empty, 'streams', 'list'])).toMatchObject({
      code: 1,
      stderr: `janus: ${empty} is empty, not a janus database\n`,
    });
    expect(await runCli(['--db', db.dir, 'streams', 'list'])).toMatchObject({
      code: 1,
      stderr: `janus: ${db.dir} is not a database file\n`,
    });
  });

  test('1: unknown stream; the stack trace only with JANUS_DEBUG=1', async () => {
    const plain = await runCli(['--db', db.file, 'streams', 'show', 'nope']);
    expect(plain).toMatchObject({ code: 1, stderr: "janus: unknown stream 'nope'\n" });
    const debug = await runCli(['--db', db.file, 'streams', 'show', 'nope'], { JANUS_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^janus: unknown stream 'nope'\nCliError: unknown stream 'nope'\n {4}at /);
  });
});
