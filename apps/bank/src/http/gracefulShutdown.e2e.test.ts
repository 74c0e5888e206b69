// SIGTERM and SIGINT at the real process (`node apps/bank/dist/main.js`), while requests are in flight:
// queries waiting for X-Min-Position end at once with a 503 consistency-timeout, a body still being
// uploaded is cut, and the process exits 0 well within the 10 s the contract promises. Under `npm start`
// every Ctrl-C arrives twice: a repeated signal does not turn the graceful shutdown into an exit 1.
import fs from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@janus/test-support/testDatabase';
import { rawExchange, rawGet, rawMessage, type RawExchange } from '@janus/test-support/rawHttp';
import { killChildren, startBankProcess, type BankProcess } from '../testing/bankProcess.js';
import { caller, temporaryDir } from '../testing/bankServer.js';

const TELLER = 'shutdown-teller-key';
const folders: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  killChildren();
  await Promise.all(folders.map((dir) => fs.promises.rm(dir, { recursive: true, force: true })));
  await Promise.all(databases.map((database) => database.drop()));
});

/** A bank process of its own, on SQLite or (bank-on-postgres) on a fresh PostgreSQL database. */
async function bankProcess(): Promise<BankProcess> {
  const dataDir = await temporaryDir('shutdown');
  folders.push(dataDir);
  const database =
    process.env.BANK_E2E_STORE === 'postgres' ? await createTestDatabase('janus_bank_shutdown') : undefined;
  if (database) databases.push(database);
  return startBankProcess(dataDir, {
    databaseUrl: database?.url,
    variables: { BANK_API_KEYS: `${TELLER}=teller` },
  });
}

/** Queries that wait for a position the log will not reach for a long while (30 s at most). */
async function waitingQueries(bank: BankProcess, count: number): Promise<RawExchange[]> {
  const queries = Array.from({ length: count }, () =>
    rawExchange(
      bank.port,
      rawGet('/customers/alice/summary', {
        authorization: `Bearer ${TELLER}`,
        'x-min-position': '1000000',
        'x-max-wait-ms': '30000',
        expect: '100-continue',
      }),
    ),
  );
  // Each reached the service (Node answers 100 Continue once it read the request's head).
  await Promise.all(queries.map((query) => query.continued));
  return queries;
}

/** Each answered 503 consistency-timeout with Retry-After. */
async function expectConsistencyTimeouts(queries: readonly RawExchange[]): Promise<void> {
  for (const answer of await Promise.all(queries.map((query) => query.answer))) {
    expect(answer?.status, answer?.body ?? 'no answer: the connection was cut').toBe(503);
    expect(answer?.headers['retry-after']).toBe('1');
    expect(JSON.parse(answer?.body ?? '{}')).toMatchObject({ type: '/problems/consistency-timeout' });
  }
}

const errorLines = (bank: BankProcess) =>
  bank
    .stdout()
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line));

test('SIGTERM: queries waiting on X-Min-Position get a 503 consistency-timeout at once; exit 0', async () => {
  const bank = await bankProcess();
  const queries = await waitingQueries(bank, 5);
  const signalled = Date.now();
  bank.child.kill('SIGTERM');
  await expectConsistencyTimeouts(queries);
  const answeredIn = Date.now() - signalled;
  expect(await bank.exited).toEqual({ code: 0, signal: null });
  const exitedIn = Date.now() - signalled;
  console.log(`waiting queries answered ${answeredIn} ms after SIGTERM, exit 0 after ${exitedIn} ms`);
  // Without the shutdown's signal they would wait 30 s, past the 10 s bound.
  expect(answeredIn).toBeLessThan(2000);
  expect(exitedIn).toBeLessThan(5000);
  expect(errorLines(bank)).toEqual([]);
});

test('SIGTERM: a body still being uploaded (a byte a second) is cut, and the process exits 0 at once', async () => {
  const bank = await bankProcess();
  const { call } = { call: caller(bank.url, { teller: TELLER }) };
  const opened = await call('POST', '/accounts', { json: { customerId: 'alice', type: 'checking' } });
  expect(opened.status, opened.text).toBe(201);
  const upload = rawExchange(
    bank.port,
    rawMessage('POST', `/accounts/${opened.body.accountId as string}/deposits`, {
      authorization: `Bearer ${TELLER}`,
      'content-type': 'application/json',
      'content-length': '100',
      expect: '100-continue',
    }),
  );
  await upload.continued;
  upload.socket.write('{"amount":');
  const drip = setInterval(() => upload.socket.write(' '), 1000);
  try {
    const signalled = Date.now();
    bank.child.kill('SIGTERM');
    expect(await bank.exited).toEqual({ code: 0, signal: null });
    const exitedIn = Date.now() - signalled;
    console.log(`a slow upload was cut: exit 0 after ${exitedIn} ms`);
    expect(exitedIn).toBeLessThan(5000);
    expect(await upload.answer).toBeUndefined(); // cut, not answered
    expect(errorLines(bank)).toEqual([]);
  } finally {
    clearInterval(drip);
  }
});

test('SIGINT twice, 50 ms apart (as npm start delivers a Ctrl-C): still graceful, exit 0', async () => {
  const bank = await bankProcess();
  const queries = await waitingQueries(bank, 3);
  bank.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 50));
  bank.child.kill('SIGINT');
  await expectConsistencyTimeouts(queries); // in flight, and answered: no connection reset
  expect(await bank.exited).toEqual({ code: 0, signal: null });
  expect(errorLines(bank)).toEqual([]);
});
