import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PostgresLeases } from './postgresLeases.js';
import { sleep } from './testing/childProcess.js';
import { tcpProxy } from '@janus/test-support/tcpProxy';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

// Leases for projection workers: session advisory locks, one holder at a time, freed by the server when
// the holder's connection (its process) dies.

let database: TestDatabase;
let admin: pg.Client;

describe.skipIf(skipPostgres)('PostgresLeases', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_pg_leases');
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  test('one holder at a time; a released lease, or one whose holder died, is taken by another', async () => {
    const a = new PostgresLeases(database.url, { checkIntervalMs: 50 });
    const b = new PostgresLeases(database.url, { checkIntervalMs: 50 });
    const elsewhere = new PostgresLeases(database.url, { namespace: 'another-app' });
    try {
      expect(await a.hold('p')).toBe(true);
      expect(await a.hold('p')).toBe(true);
      expect(await b.hold('p')).toBe(false);
      expect(await b.hold('q')).toBe(true);
      expect(await elsewhere.hold('p')).toBe(true); // another namespace, another lease
      expect([a.held(), b.held()]).toEqual([['p'], ['q']]);

      await a.releaseAll();
      expect(a.held()).toEqual([]);
      await sleep(60);
      expect(await b.hold('p')).toBe(true);
      expect(await a.hold('p')).toBe(false);

      // b's connections end as when its process dies: the server frees its leases there and then.
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
      );
      expect(rowCount).toBe(3); // b's two, and the other namespace's one
      await sleep(60);
      expect(await a.hold('p')).toBe(true);
      expect(await b.hold('p')).toBe(false);
      expect(b.held()).toEqual([]);
      expect(await b.hold('q')).toBe(true);
    } finally {
      await a.releaseAll();
      await b.releaseAll();
      await elsewhere.releaseAll();
    }
  });

  test('a lease held elsewhere is asked for once per interval, however often its runner wakes', async () => {
    const holder = new PostgresLeases(database.url);
    const proxy = await tcpProxy(database.url);
    const asker = new PostgresLeases(proxy.url, { checkIntervalMs: 300 });
    try {
      expect(await holder.hold('busy')).toBe(true);
      for (let i = 0; i < 100; i++) expect(await asker.hold('busy')).toBe(false);
      expect(proxy.connections()).toBe(1);
      await sleep(320);
      expect(await asker.hold('busy')).toBe(false);
      expect(proxy.connections()).toBe(2);

      await holder.releaseAll();
      await sleep(320);
      expect(await asker.hold('busy')).toBe(true);
      // A lease it holds is confirmed on its own connection: no new ones.
      for (let i = 0; i < 20; i++) expect(await asker.hold('busy')).toBe(true);
      expect(proxy.connections()).toBe(3);
    } finally {
      await asker.releaseAll();
      await holder.releaseAll();
      await proxy.close();
    }
  });
});
