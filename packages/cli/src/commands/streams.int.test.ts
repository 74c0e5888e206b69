import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../testing/cliProcess.js';
import { TempDatabase } from '../testing/tempDatabase.js';

let db: TempDatabase;

beforeEach(async () => {
  db = new TempDatabase();
  const store = await db.open();
  await store.append('account-1', [
    { type: 'bank.AccountOpened.v1', data: { owner: 'Ada' }, metadata: { userId: 'u1' } },
    { type: 'bank.MoneyDeposited.v1', data: { amount: 12345678901234567890n } },
    { type: 'bank.MoneyWithdrawn.v1', data: { amount: 5n } },
  ]);
  await store.append('order-1', [{ type: 'shop.OrderPlaced.v1', data: { total: 3n } }]);
  await store.append('account-2', [
    { type: 'bank.AccountOpened.v1', data: { owner: 'Grace' } },
    { type: 'bank.MoneyDeposited.v1', data: { amount: 7n } },
  ]);
});

afterEach(async () => {
  await db.dispose();
});

const lines = (text: string) => text.trimEnd().split('\n');
/** The cells of a table row. */
const cells = (row: string | undefined) => (row ?? '').trim().split(/ +/);

describe('janus streams list', () => {
  test('prints a table of streams in id order: stream, version, last position', async () => {
    const { code, stdout, stderr } = await runCli(['--db', db.file, 'streams', 'list']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      'STREAM     VERSION  LAST POSITION',
      'account-1        3              3',
      'account-2        2              6',
      'order-1          1              4',
    ]);
  });

  test('--prefix filters, --limit and --after page, and a full page says where the next starts', async () => {
    const first = await runCli(['--db', db.file, 'streams', 'list', '--prefix', 'account-', '--limit', '1']);
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toEqual([
      'STREAM     VERSION  LAST POSITION',
      'account-1        3              3',
      'more may follow: --after account-1',
    ]);
    // Global options go after the command just as well.
    const second = await runCli([
      'streams',
      'list',
      '--prefix',
      'account-',
      '--after',
      'account-1',
      '--db',
      db.file,
    ]);
    expect(lines(second.stdout)).toEqual([
      'STREAM     VERSION  LAST POSITION',
      'account-2        2              6',
    ]);
  });

  test('--json gives one document, positions as strings', async () => {
    const { code, stdout } = await runCli(['--db', db.file, '--json', 'streams', 'list', '--limit', '2']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      streams: [
        { streamId: 'account-1', version: 3, position: '3' },
        { streamId: 'account-2', version: 2, position: '6' },
      ],
      next: 'account-2',
    });
  });

  test('says so when there are none', async () => {
    const { code, stdout } = await runCli(['--db', db.file, 'streams', 'list', '--prefix', 'nothing-']);
    expect(code).toBe(0);
    expect(stdout).toBe('no streams\n');
  });
});

describe('janus streams show', () => {
  test('prints the events of a stream: version, position, type, recorded at, id', async () => {
    const store = await db.open();
    const events = await store.readStream('account-1');
    const { code, stdout } = await runCli(['--db', db.file, 'streams', 'show', 'account-1']);
    expect(code).toBe(0);
    const [header, ...rows] = lines(stdout);
    expect(header).toMatch(/^VERSION {2}POSITION {2}TYPE +RECORDED AT +ID$/);
    expect(rows).toHaveLength(3);
    events.forEach((event, i) => {
      expect(cells(rows[i])).toEqual([
        String(event.version),
        String(event.position),
        event.type,
        event.recordedAt,
        event.id,
      ]);
    });
  });

  test('--backward --limit reads from the end, --from starts at a version, and a full page says what follows', async () => {
    const last = await runCli([
      '--db',
      db.file,
      'streams',
      'show',
      'account-1',
      '--backward',
      '--limit',
      '2',
    ]);
    const out = lines(last.stdout);
    expect(out.slice(1, 3).map((l) => cells(l)[0])).toEqual(['3', '2']);
    expect(out[3]).toBe('more may follow: --from 1 --backward');

    const from = await runCli(['--db', db.file, 'streams', 'show', 'account-1', '--from', '2']);
    expect(
      lines(from.stdout)
        .slice(1)
        .map((l) => cells(l)[0]),
    ).toEqual(['2', '3']);
  });

  test('--json gives the full events with data and metadata, bigints as strings', async () => {
    const { code, stdout } = await runCli(['--db', db.file, 'streams', 'show', 'account-1', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { events: Record<string, unknown>[] };
    expect(doc).toMatchObject({ streamId: 'account-1', version: 3, next: null });
    expect(doc.events).toHaveLength(3);
    expect(doc.events[0]).toMatchObject({
      position: '1',
      streamId: 'account-1',
      version: 1,
      type: 'bank.AccountOpened.v1',
      data: { owner: 'Ada' },
      metadata: { userId: 'u1' },
    });
    expect(doc.events[0]?.id).toEqual(expect.any(String));
    expect(doc.events[0]?.recordedAt).toEqual(expect.any(String));
    expect(doc.events[1]).toMatchObject({ data: { amount: '12345678901234567890' } });
  });

  test('an unknown stream is a failure (exit 1)', async () => {
    const { code, stdout, stderr } = await runCli(['--db', db.file, 'streams', 'show', 'account-404']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe("janus: unknown stream 'account-404'\n");
  });
});
