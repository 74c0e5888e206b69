import type pg from 'pg';

/**
 * Hooks the appends of a PostgresEventStore under test, from the test's side: each connection of `pool`
 * (made from now on) calls `before` ahead of every call of a schema's `append_batch`, and sends it after
 * the milliseconds `before` answers. Tests use it to count batches, or to hold append transactions back
 * for random times so that they take the append lock in an order unrelated to the order they started
 * in. The store and its schema know nothing of it. Answers the pool.
 */
export function hookAppends(pool: pg.Pool, before: () => number): pg.Pool {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const hooked = (...args: unknown[]): unknown => {
      const [config] = args;
      const text = typeof config === 'string' ? config : (config as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string' || !text.includes('.append_batch(')) return query(...args);
      const ms = before();
      return new Promise((resolve) => setTimeout(resolve, ms)).then(() => query(...args));
    };
    Object.assign(client, { query: hooked });
  });
  return pool;
}
