import { ProjectionRunner, event, projection } from '@janus/core';
import { PostgresEventStore } from '@janus/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, skipPostgres, type TestDatabase } from '@janus/test-support/testDatabase';
import { runCli } from '../testing/cliProcess.js';

let database: TestDatabase;

describe.skipIf(skipPostgres)('janus --url (PostgreSQL)', () => {
  beforeAll(async () => {
    database = await createTestDatabase('janus_cli');
    const store = await PostgresEventStore.open(database.url, { schema: 'shop' });
    await store.append('cart-1', [{ type: 'shop.ItemAdded.v1', data: { sku: 'pear' } }]);
    await store.append('cart-2', [{ type: 'shop.ItemAdded.v1', data: { sku: 'kiwi' } }]);
    const carts = projection({
      name: 'shop.carts',
      version: 1,
      handles: [event('shop.ItemAdded.v1', z.object({ sku: z.string() }))],
      id: (e) => e.streamId,
      apply: () => ({ items: 1 }),
    });
    const runner = new ProjectionRunner({ log: store, store: store.projections, projections: [carts] });
    await runner.start();
    await runner.waitFor(await store.head());
    await runner.stop();
    await store.close();
  });
  afterAll(async () => {
    await database.drop();
  });

  test('streams list reads a PostgreSQL store in the schema given', async () => {
    const { code, stdout } = await runCli([
      '--url',
      database.url,
      '--schema',
      'shop',
      'streams',
      'list',
      '--json',
    ]);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { streams: { streamId: string }[] };
    expect(listed.streams.map((s) => s.streamId)).toEqual(['cart-1', 'cart-2']);
  });

  test('projections status shows the projections of a PostgreSQL store', async () => {
    const { code, stdout } = await runCli([
      '--url',
      database.url,
      '--schema',
      'shop',
      'projections',
      'status',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/shop\.carts\s+1\s+2\s+2\s+0\s+running/);
  });

  test('an unreachable server is an operational failure (exit 1) with a one-line message', async () => {
    const { code, stderr } = await runCli([
      '--url',
      'postgres://postgres@127.0.0.1:1/none',
      'streams',
      'list',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^janus: /);
  });
});
