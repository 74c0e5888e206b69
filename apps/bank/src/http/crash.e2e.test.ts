// The real service as a child process (`node apps/bank/dist/main.js`, as `npm start` runs it): killed
// with SIGKILL under load, it loses no acknowledged deposit, and after a restart its read models agree
// with its events. Also: the API keys it makes on first start, SIGTERM, and bad configuration.
import fs from 'node:fs';
import path from 'node:path';
import { formatMoney } from '@janus/money';
import { PostgresEventStore } from '@janus/postgres';
import { SqliteEventStore } from '@janus/sqlite';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@janus/test-support/testDatabase';
import type { AccountView } from '../accounts/accountsView.js';
import type { TransactionItem } from '../history/transactionHistory.js';
import { killChildren, runBank, startBankProcess, type BankProcess } from '../testing/bankProcess.js';
import { accountHistory, after, caller, sumOfAmounts, temporaryDir } from '../testing/bankServer.js';

const onPostgres = process.env.BANK_E2E_STORE === 'postgres';
const folders: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  killChildren();
  await Promise.all(folders.map((dir) => fs.promises.rm(dir, { recursive: true, force: true })));
  await Promise.all(databases.map((database) => database.drop()));
});

const start = (dataDir: string, databaseUrl?: string) => startBankProcess(dataDir, { databaseUrl });

async function kill9(service: BankProcess): Promise<void> {
  expect((await service.kill()).signal).toBe('SIGKILL');
}

describe('the service as a process', () => {
  test('SIGKILL under load loses no acknowledged deposit; after a restart the read models agree with the events', async () => {
    const dataDir = await temporaryDir('crash');
    folders.push(dataDir);
    // In the bank-on-postgres test project the service keeps its events in a fresh PostgreSQL database.
    const database = onPostgres ? await createTestDatabase('janus_bank_crash') : undefined;
    if (database) databases.push(database);

    // First start: no BANK_API_KEYS, so a teller key and an auditor key are made, printed and kept (0600).
    const first = await start(dataDir, database?.url);
    expect(Object.keys(first.keys).sort()).toEqual(['auditor', 'teller']);
    const keyFile = path.join(dataDir, 'api-keys.json');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    // Printed on the start that made them, and only then.
    expect(first.stdout()).toContain(first.keys.teller);
    const call = caller(first.url, first.keys);
    expect(
      (await call('POST', '/accounts', { as: 'auditor', json: { customerId: 'x', type: 'checking' } }))
        .status,
    ).toBe(403);

    const accounts: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const opened = await call('POST', '/accounts', { json: { customerId: 'load', type: 'checking' } });
      expect(opened.status).toBe(201);
      accounts.push(opened.body.accountId as string);
    }

    // Concurrent deposits; SIGKILL while they are in flight.
    const acknowledged: { accountId: string; transactionId: string; amount: string }[] = [];
    let lost = 0;
    let loadStopped = false;
    const stopped = () => loadStopped; // read through a call: it changes while the workers await
    const worker = async () => {
      while (!stopped()) {
        const accountId = accounts[Math.floor(Math.random() * accounts.length)]!;
        const amount = formatMoney(BigInt(1 + Math.floor(Math.random() * 100_000)));
        try {
          const answer = await call('POST', `/accounts/${accountId}/deposits`, { json: { amount } });
          if (answer.status === 201) {
            acknowledged.push({ accountId, transactionId: answer.body.transactionId as string, amount });
          } else {
            throw new Error(`deposit answered ${answer.status}: ${answer.text}`);
          }
        } catch (error) {
          if (!stopped()) throw error;
          lost += 1; // in flight when the process died: it may or may not have committed
        }
      }
    };
    const workers = Array.from({ length: 24 }, () => worker());
    const deadline = Date.now() + 5000;
    while (acknowledged.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    loadStopped = true;
    await kill9(first);
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    expect(lost).toBeGreaterThan(0); // the kill did land mid-load
    console.log(`${acknowledged.length} deposits acknowledged before SIGKILL, ${lost} in flight`);

    // Restart over the same folder: the same keys, read from the file.
    const second = await start(dataDir, database?.url);
    expect(second.keys).toEqual(first.keys);
    expect(second.stdout()).toContain(`API keys: 2 kept in ${keyFile} (teller, auditor)`);
    expect(first.stdout()).toContain(`(made now, kept in ${keyFile}; shown this once)`);
    expect(second.stdout()).not.toContain(first.keys.teller);
    const again = caller(second.url, second.keys);
    expect((await again('GET', '/health')).status).toBe(200);

    // One more deposit per account: its position is past every event written before the kill.
    let position = 0;
    for (const accountId of accounts) {
      const marker = await again('POST', `/accounts/${accountId}/deposits`, { json: { amount: '0.01' } });
      expect(marker.status).toBe(201);
      position = Math.max(position, marker.body.position as number);
    }
    const headers = after(position);
    const histories = new Map<string, TransactionItem[]>();
    for (const accountId of accounts) {
      const items = await accountHistory(again, accountId, headers);
      histories.set(accountId, items);
      const ids = new Map(items.map((i) => [i.transactionId, i.amount]));
      expect(ids.size).toBe(items.length); // no item twice
      for (const ack of acknowledged.filter((a) => a.accountId === accountId)) {
        expect(ids.get(ack.transactionId), ack.transactionId).toBe(ack.amount);
      }
      const view = (await again('GET', `/accounts/${accountId}`, { headers })).body as unknown as AccountView;
      expect(view.balance).toBe(formatMoney(sumOfAmounts(items)));
      // The same account rebuilt from its events right now (asOf folds the stream, not the read model).
      const asOf = await again(
        'GET',
        `/accounts/${accountId}?asOf=${new Date(Date.now() + 1000).toISOString()}`,
      );
      expect(asOf.body.balance).toBe(view.balance);
    }
    const metrics = (await again('GET', '/metrics')).text;
    const lags = [...metrics.matchAll(/^janus_projection_lag_events\{projection="([^"]+)"\} (\S+)$/gm)];
    expect(lags.map((m) => [m[1], m[2]])).toEqual([
      ['bank.accounts', '0'],
      ['bank.transactions', '0'],
      ['bank.fraud-alerts', '0'],
    ]);

    // SIGTERM: a graceful exit, code 0, well within 10 s.
    const stopping = Date.now();
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(10_000);

    // The events themselves: each account's history holds exactly its money events, once each.
    const store = database
      ? await PostgresEventStore.open(database.url, { poolSize: 2 })
      : await SqliteEventStore.open(path.join(dataDir, 'bank.db'), { mustExist: true });
    try {
      for (const accountId of accounts) {
        const events = await store.readStream(`bank.account-${accountId}`);
        const moneyIds = events
          .filter((e) => e.type === 'bank.MoneyDeposited.v1')
          .map((e) => (e.data as { transactionId: string }).transactionId)
          .sort();
        expect(moneyIds).toEqual((histories.get(accountId) ?? []).map((i) => i.transactionId).sort());
      }
    } finally {
      await store.close();
    }
  });

  test('bad configuration: exit code 1 and a message naming the variable', async () => {
    const dataDir = await temporaryDir('config');
    folders.push(dataDir);
    const { exited, stderr } = runBank({
      BANK_DATA_DIR: dataDir,
      PORT: 'eighty',
      BANK_API_KEYS: 'k1=banker',
      BANK_FRAUD_VELOCITY_MAX: '0',
    });
    expect(await exited).toEqual({ code: 1, signal: null });
    expect(stderr()).toContain("PORT must be a whole number from 0 to 65535, got 'eighty'");
    expect(stderr()).toContain("unknown role 'banker'");
    expect(stderr()).toContain('BANK_FRAUD_VELOCITY_MAX');
    expect(stderr()).not.toContain('k1');
  });
});
