import { ProjectionRunner, type DocumentProjection, type RecordedEvent } from '@janus/core';
import type { SqliteEventStore } from '@janus/sqlite';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CliProcess, runCli } from '../testing/cliProcess.js';
import { TempDatabase } from '../testing/tempDatabase.js';

let db: TempDatabase;
let store: SqliteEventStore;
let runners: ProjectionRunner[];

beforeEach(async () => {
  db = new TempDatabase();
  store = await db.open();
  runners = [];
});

afterEach(async () => {
  CliProcess.killAll();
  for (const runner of runners) await runner.stop();
  await db.dispose();
});

interface Counter {
  readonly count: number;
}

/** Counts deposits per account; `work` runs for each event (to fail, or to take time). */
function counter(
  name: string,
  work: (event: RecordedEvent) => void = () => undefined,
): DocumentProjection<Counter> {
  return {
    kind: 'documents',
    name,
    version: 1,
    lifecycle: 'async',
    handles: ['bank.MoneyDeposited.v1'],
    indexes: [],
    documentId: (event) => event.streamId,
    apply: (doc, event) => {
      work(event);
      return { count: (doc?.count ?? 0) + 1 };
    },
  };
}

/** Appends `count` deposits to ten accounts, in order: event i gets position i + 1. */
async function deposit(
  count: number,
  data: (i: number) => Record<string, unknown> = () => ({}),
): Promise<void> {
  const appends = Array.from({ length: count }, (_, i) => ({
    streamId: `account-${i % 10}`,
    events: [{ type: 'bank.MoneyDeposited.v1', data: { amount: BigInt(i), ...data(i) } }],
  }));
  // Ten at a time (one per account), all at once: group commit writes them in few transactions, in order.
  const chunks = Array.from({ length: Math.ceil(count / 10) }, (_, c) => appends.slice(c * 10, c * 10 + 10));
  await Promise.all(chunks.map((chunk) => store.appendMany(chunk)));
}

async function startRunner(
  projections: DocumentProjection<Counter>[],
  batchSize = 500,
): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner({
    log: store,
    store: store.projections,
    projections,
    batchSize,
    pollIntervalMs: 50,
    retry: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  runners.push(runner);
  await runner.start();
  return runner;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rows = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/ {2,}/));

/** A projection whose apply throws for the events marked `poison`. */
const poisoned = () =>
  counter('bank.poisoned', (event) => {
    if ((event.data as { poison?: boolean }).poison) throw new Error('cannot apply this one');
  });

describe('janus projections status', () => {
  test('a table of every projection: name, version, position, head, lag, state, error', async () => {
    await deposit(5);
    const runner = await startRunner([counter('bank.counts'), counter('bank.more')]);
    await runner.waitFor(await store.head());
    const { code, stdout, stderr } = await runCli(['--db', db.file, 'projections', 'status']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(rows(stdout)).toEqual([
      ['NAME', 'VERSION', 'POSITION', 'HEAD', 'LAG', 'STATE', 'ERROR'],
      ['bank.counts', '1', '5', '5', '0', 'running'],
      ['bank.more', '1', '5', '5', '0', 'running'],
    ]);
  });

  test('--json: head, and each projection with its state, failure and rebuild progress', async () => {
    await deposit(3);
    const runner = await startRunner([counter('bank.counts')]);
    await runner.waitFor(3n);
    await runner.stop();
    await deposit(2); // behind now
    const { code, stdout } = await runCli([
      '--db',
      db.file,
      '--json',
      'projections',
      'status',
      'bank.counts',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      head: '5',
      projections: [
        {
          name: 'bank.counts',
          version: 1,
          generation: 1,
          position: '3',
          head: '5',
          lag: '2',
          state: 'catching-up',
          failure: null,
          rebuild: null,
          rebuildRequested: false,
        },
      ],
    });
  });

  test('says so when no projection is registered', async () => {
    const { code, stdout } = await runCli(['--db', db.file, 'projections', 'status']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^no projections yet/);
  });
});

describe('janus projections skip', () => {
  test('skips the poison event a projection stopped at: recorded, and the runner goes on', async () => {
    await deposit(5, (i) => (i === 2 ? { poison: true } : {}));
    const [poison] = await store.readAll({ after: 2n, limit: 1 });
    await startRunner([poisoned()]);
    await waitUntil(async () => (await store.projections.record('bank.poisoned'))?.failure != null);

    const stopped = await runCli(['--db', db.file, 'projections', 'status']);
    expect(rows(stopped.stdout)[1]).toEqual([
      'bank.poisoned',
      '1',
      '2',
      '5',
      '3',
      'stopped',
      expect.stringMatching(
        new RegExp(
          `^at position 3, event ${poison?.id} \\(bank.MoneyDeposited.v1\\): cannot apply this one \\(\\d+ attempts? since `,
        ),
      ),
    ]);

    const wrong = await runCli(['--db', db.file, 'projections', 'skip', 'bank.poisoned', '4']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      "janus: projection 'bank.poisoned' is stopped at position 3, not 4: nothing was skipped\n",
    );

    const skipped = await runCli([
      '--db',
      db.file,
      'projections',
      'skip',
      'bank.poisoned',
      '3',
      '--reason',
      'bad import, ticket 123',
    ]);
    expect(skipped.stderr).toBe('');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe(
      `skipped event ${poison?.id} (bank.MoneyDeposited.v1) at position 3 for projection 'bank.poisoned' ` +
        'version 1: bad import, ticket 123\nthe projection runner goes on with the next event\n',
    );

    await waitUntil(async () => {
      const record = await store.projections.record('bank.poisoned');
      return record?.position === 5n && record.failure === null;
    });
    const running = await runCli(['--db', db.file, 'projections', 'status']);
    expect(rows(running.stdout)[1]).toEqual(['bank.poisoned', '1', '5', '5', '0', 'running']);
    expect(await store.projections.skips('bank.poisoned')).toEqual([
      {
        name: 'bank.poisoned',
        version: 1,
        position: 3n,
        eventId: poison?.id,
        reason: 'bad import, ticket 123',
        skippedAt: expect.any(String) as string,
      },
    ]);

    // Nothing to skip any more.
    const again = await runCli(['--db', db.file, '--json', 'projections', 'skip', 'bank.poisoned', '3']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      "janus: projection 'bank.poisoned' is not stopped (it is running): nothing was skipped\n",
    );
  });

  test('--json gives the skip record', async () => {
    await deposit(2, (i) => (i === 0 ? { poison: true } : {}));
    await startRunner([poisoned()]);
    await waitUntil(async () => (await store.projections.record('bank.poisoned'))?.failure != null);
    const { code, stdout } = await runCli([
      '--db',
      db.file,
      '--json',
      'projections',
      'skip',
      'bank.poisoned',
      '1',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      name: 'bank.poisoned',
      version: 1,
      position: '1',
      eventType: 'bank.MoneyDeposited.v1',
      reason: expect.stringMatching(/janus CLI$/) as string,
    });
  });
});

describe('janus projections rebuild', () => {
  test('asks the running runner to rebuild, and logs its progress until it switched in', async () => {
    await deposit(2000);
    // During the rebuild, about a millisecond an event: it takes a couple of seconds, and progress shows.
    let slow = false;
    const balances = counter('bank.balances', () => {
      const until = performance.now() + (slow ? 1 : 0);
      while (performance.now() < until);
    });
    const runner = await startRunner([balances], 100);
    await runner.waitFor(2000n, { timeoutMs: 20_000 });
    slow = true;

    const { code, stdout, stderr } = await runCli([
      '--db',
      db.file,
      'projections',
      'rebuild',
      'bank.balances',
      '--timeout',
      '30',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(stdout).not.toContain('\r');
    const progress = lines.filter((line) =>
      /^rebuild bank\.balances: \d+% \d+\/2000 events, \d+ ev\/s(, .+ left)?$/.test(line),
    );
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatch(
      /^rebuild bank\.balances: done in \d+ s: generation 2 \(version 1\) is active, at position 2000$/,
    );
    expect(await store.projections.record('bank.balances')).toMatchObject({
      generation: 2,
      position: 2000n,
      rebuild: null,
      rebuildRequested: false,
    });
    expect(await store.projections.documents<Counter>('bank.balances').get('account-3')).toEqual({
      count: 200,
    });
  });

  test('--json waits and gives one document at the end', async () => {
    await deposit(10);
    const runner = await startRunner([counter('bank.balances')]);
    await runner.waitFor(10n);
    const { code, stdout } = await runCli([
      '--db',
      db.file,
      '--json',
      'projections',
      'rebuild',
      'bank.balances',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      name: 'bank.balances',
      requested: true,
      completed: true,
      generation: 2,
      version: 1,
      position: '10',
    });
  });

  test('--no-wait returns right after the request', async () => {
    await store.projections.ensure(counter('bank.balances'));
    const { code, stdout } = await runCli([
      '--db',
      db.file,
      'projections',
      'rebuild',
      'bank.balances',
      '--no-wait',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^rebuild of 'bank.balances' requested/);
    expect(await store.projections.record('bank.balances')).toMatchObject({
      rebuildRequested: true,
      generation: 1,
    });
  });

  test('times out (exit 1) when no runner picks the request up, saying the request stands', async () => {
    await store.projections.ensure(counter('bank.balances'));
    const { code, stdout, stderr } = await runCli([
      '--db',
      db.file,
      'projections',
      'rebuild',
      'bank.balances',
      '--timeout',
      '0.5',
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('rebuild bank.balances: requested, waiting for a projection runner to start it\n');
    expect(stderr).toMatch(
      /^janus: rebuild of 'bank.balances' did not start within 0.5 s: no progress was seen/,
    );
    expect(stderr).toContain('no projection runner seems to be running');
    expect(stderr).toContain('the request stands');
    expect(stderr.split('\n')).toEqual([expect.any(String), '']);
    expect(await store.projections.record('bank.balances')).toMatchObject({ rebuildRequested: true });
  });

  test('Ctrl-C stops waiting (exit 130); the request stands', async () => {
    await store.projections.ensure(counter('bank.balances'));
    const cli = new CliProcess([
      '--db',
      db.file,
      'projections',
      'rebuild',
      'bank.balances',
      '--timeout',
      '0',
    ]);
    await cli.waitForOutput((out) => out.includes('waiting for a projection runner'));
    cli.child.kill('SIGINT');
    const { code, stderr } = await cli.exited;
    expect(code).toBe(130);
    expect(stderr).toBe(
      "janus: stopped waiting: the rebuild of 'bank.balances' was requested and goes on in the projection runner\n",
    );
    expect(await store.projections.record('bank.balances')).toMatchObject({ rebuildRequested: true });
  });
});

describe('an unknown projection', () => {
  test.each([
    [['projections', 'status', 'bank.nope']],
    [['projections', 'rebuild', 'bank.nope']],
    [['projections', 'skip', 'bank.nope', '3']],
  ])('janus %s fails with exit 1', async (args) => {
    const { code, stdout, stderr } = await runCli(['--db', db.file, ...args]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe("janus: unknown projection 'bank.nope'\n");
  });
});
