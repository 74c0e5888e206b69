// Every connection is made with a connect timeout (a dead host fails fast instead of hanging requests),
// TCP keepalive, and idle_in_transaction_session_timeout (a session stuck in a transaction cannot hold
// its locks forever). Before, a server that accepted the connection and never answered hung open() for good.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONNECTION_SETTINGS } from './pool.js';
import { PostgresEventStore } from './postgresEventStore.js';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';

let database: TestDatabase;

describe.skipIf(skipPostgres)('PostgreSQL connection settings', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_connection_settings');
  });
  afterAll(() => database.drop());

  test("the store's sessions end when idle in a transaction for 60 s", async () => {
    const store = await PostgresEventStore.open(database.url);
    try {
      const shown = await store.pool.query<{ idle_in_transaction_session_timeout: string }>(
        'SHOW idle_in_transaction_session_timeout',
      );
      expect(shown.rows[0]?.idle_in_transaction_session_timeout).toBe('1min');
      expect(CONNECTION_SETTINGS).toMatchObject({ connectionTimeoutMillis: 5_000, keepAlive: true });
    } finally {
      await store.close();
    }
  });

  test('a server that accepts and never answers fails the open with a connection timeout', async () => {
    // A host that is up but dead: it takes the TCP connection and never speaks.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const opened = PostgresEventStore.open(`postgres://postgres@127.0.0.1:${port}/nothing`);
      await expect(opened).rejects.toThrow(/connection timeout/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);

  test('a closed port fails the open at once, saying the connection was refused', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(PostgresEventStore.open(`postgres://postgres@127.0.0.1:${port}/nothing`)).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
