import type { SqliteEventStore } from '@janus/sqlite';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CliProcess, runCli } from '../testing/cliProcess.js';
import { TempDatabase } from '../testing/tempDatabase.js';

let db: TempDatabase;
let store: SqliteEventStore;

beforeEach(async () => {
  db = new TempDatabase();
  store = await db.open();
  for (let i = 1; i <= 30; i++) {
    await store.append(`account-${i % 3}`, [{ type: 'bank.MoneyDeposited.v1', data: { amount: BigInt(i) } }]);
  }
});

afterEach(async () => {
  CliProcess.killAll();
  await db.dispose();
});

const positions = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split('  ')[0]);

describe('janus events tail', () => {
  test('prints the last --limit events, one a line: position, time, stream, version, type, id', async () => {
    const { code, stdout } = await runCli(['--db', db.file, 'events', 'tail', '--limit', '3']);
    expect(code).toBe(0);
    expect(positions(stdout)).toEqual(['28', '29', '30']);
    const [event] = await store.readAll({ after: 29n });
    expect(stdout.trimEnd().split('\n')[2]).toBe(
      `30  ${event?.recordedAt}  account-0  v10  bank.MoneyDeposited.v1  ${event?.id}`,
    );
  });

  test('--from prints the events after a position', async () => {
    const { stdout } = await runCli(['--db', db.file, 'events', 'tail', '--from', '5', '--limit', '2']);
    expect(positions(stdout)).toEqual(['6', '7']);
  });

  test('--json gives one document with the head and the full events', async () => {
    const { code, stdout } = await runCli([
      '--db',
      db.file,
      '--json',
      'events',
      'tail',
      '--from',
      '0',
      '--limit',
      '1',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      head: '30',
      events: [{ position: '1', streamId: 'account-1', version: 1, data: { amount: '1' }, metadata: {} }],
    });
  });

  test('--follow prints new events as they are appended, and exits 0 on SIGINT', async () => {
    const cli = new CliProcess(['--db', db.file, '--json', 'events', 'tail', '--follow', '--limit', '2']);
    const parsed = () =>
      cli.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { position: string; data: unknown });
    await cli.waitForOutput(() => parsed().length === 2);
    expect(parsed().map((e) => e.position)).toEqual(['29', '30']);

    await store.append('account-9', [{ type: 'bank.MoneyDeposited.v1', data: { amount: 31n } }]);
    await store.append('account-9', [{ type: 'bank.MoneyDeposited.v1', data: { amount: 32n } }]);
    await cli.waitForOutput(() => parsed().length === 4);
    expect(parsed().slice(2)).toMatchObject([
      { position: '31', streamId: 'account-9', data: { amount: '31' } },
      { position: '32', streamId: 'account-9', data: { amount: '32' } },
    ]);

    cli.child.kill('SIGINT');
    const result = await cli.exited;
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
  });

  test('--follow from a position ends cleanly on SIGTERM too', async () => {
    const cli = new CliProcess(['--db', db.file, 'events', 'tail', '--from', '28', '--follow']);
    await cli.waitForOutput((out) => positions(out).includes('30'));
    await store.append('account-9', [{ type: 'bank.MoneyDeposited.v1', data: { amount: 31n } }]);
    await cli.waitForOutput((out) => positions(out).includes('31'));
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(positions(result.stdout)).toEqual(['29', '30', '31']);
  });
});
