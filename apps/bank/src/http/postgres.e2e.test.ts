// The bank on PostgreSQL: DATABASE_URL holds the events (and the read models), or READ_DATABASE_URL holds
// the read models in a second database.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';
import { KEYS, serveBank, type TestBank } from '../testing/bankServer.js';
import { seedScenario } from '../testing/seedScenario.js';

describe.skipIf(skipPostgres)('the bank on PostgreSQL', () => {
  const databases: TestDatabase[] = [];
  const banks: TestBank[] = [];
  const database = async () => {
    const created = await createTestDatabase('bank_e2e');
    databases.push(created);
    return created.url;
  };
  let events: string;
  let reads: string;
  let readsOfSqlite: string;
  beforeAll(async () => {
    [events, reads, readsOfSqlite] = await Promise.all([database(), database(), database()]);
  });
  afterAll(async () => {
    for (const bank of banks) await bank.close();
    await Promise.all(databases.map((d) => d.drop()));
  });

  test('two banks on one database, each with its own data folder, make the same key fingerprints', async () => {
    // The key secret is kept in the database (it was a file in each data folder: two fingerprints per key
    // in the logs, the event metadata and the console).
    const shared = await database();
    const [one, two] = [await serveBank({ DATABASE_URL: shared }), await serveBank({ DATABASE_URL: shared })];
    banks.push(one, two);
    expect(one.dataDir).not.toBe(two.dataDir);
    for (const key of Object.values(KEYS)) {
      const id = one.bank.apiKeys.principals.get(key)?.id;
      expect(id).toMatch(/\S/);
      expect(two.bank.apiKeys.principals.get(key)?.id).toBe(id);
    }
    // The same through HTTP: a command sent to the second bank carries the id the first one makes.
    const opened = await two.call('POST', '/accounts', {
      json: { customerId: 'carol', type: 'checking' },
    });
    expect(opened.status, opened.text).toBe(201);
    const events = await one.bank.events.readAll();
    const event = events.find((e) => e.position === BigInt(opened.body.position as number));
    expect(event?.metadata).toMatchObject({
      principal: { id: one.bank.apiKeys.principals.get(KEYS.teller)?.id },
    });
  });

  test('events and read models in DATABASE_URL: the seed scenario', async () => {
    const bank = await serveBank({ DATABASE_URL: events });
    banks.push(bank);
    expect(bank.bank.storage).toMatch(/^events and read models in PostgreSQL postgres:/);
    await seedScenario(bank.call, 'alice');
    expect((await bank.call('GET', '/ready')).status).toBe(200);
  });

  test('read models in READ_DATABASE_URL, events in DATABASE_URL: the seed scenario', async () => {
    const bank = await serveBank({ DATABASE_URL: events, READ_DATABASE_URL: reads });
    banks.push(bank);
    expect(bank.bank.storage).toMatch(/^events in PostgreSQL .*; read models in PostgreSQL /);
    // The same events database as the test before: its accounts are projected into the new read database too.
    await seedScenario(bank.call, 'bob');
    const alice = await bank.call('GET', '/customers/alice/summary', {
      headers: { 'x-min-position': String(await bank.bank.events.head()) },
    });
    expect(alice.body).toMatchObject({ totals: { USD: '6500.00' } });
    expect((await bank.call('GET', '/ready')).status).toBe(200);
  });

  test('events in SQLite, read models in READ_DATABASE_URL: the seed scenario', async () => {
    const bank = await serveBank({ READ_DATABASE_URL: readsOfSqlite });
    banks.push(bank);
    expect(bank.bank.storage).toMatch(/^events in SQLite .*bank\.db; read models in PostgreSQL /);
    await seedScenario(bank.call, 'carol');
  });
});
