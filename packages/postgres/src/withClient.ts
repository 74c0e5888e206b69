import { StoreUnavailableError } from '@janus/core';
import type pg from 'pg';
import { isConnectionFailure, unavailableOr } from './connectionFailure.js';

/**
 * Runs `work` on a connection checked out of `pool`, and gives it back. While the connection is checked
 * out the pool does not listen for its errors, and a server that ends it (a restart, a fail-over,
 * pg_terminate_backend) emits an 'error' event that, unheard, would end the process: it is heard here,
 * and a connection that broke goes back with its error, so that the pool closes it instead of lending
 * it again. A connection that cannot be made, or broke, is a StoreUnavailableError.
 */
export function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return checkedOut(pool, (client) => work(client));
}

/**
 * Runs `work` in a transaction on a connection of its own: committed when `work` resolves, rolled back
 * when it throws. A connection lost before COMMIT is a StoreUnavailableError (nothing committed); one
 * lost while COMMIT was in flight is a StoreUnavailableError with `outcomeUnknown`, since the server may
 * have committed before the answer was lost.
 */
export function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return checkedOut(pool, async (client, discard) => {
    await client.query('BEGIN');
    let result: T;
    try {
      result = await work(client);
    } catch (error) {
      // A connection that cannot roll back is in no state to be lent again.
      await client.query('ROLLBACK').catch(discard);
      throw error;
    }
    try {
      await client.query('COMMIT');
    } catch (error) {
      throw unavailableOr(error, { outcomeUnknown: true });
    }
    return result;
  });
}

/** The server process behind a connection (what pg_stat_activity calls its pid), once connected. */
export function backendPid(client: pg.ClientBase): number | undefined {
  const { processID } = client as unknown as { processID?: unknown };
  return typeof processID === 'number' ? processID : undefined;
}

async function checkedOut<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient, discard: (error: unknown) => void) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw unavailableOr(error);
  }
  // Lost: the connection broke (the server ended it, the network failed). Discarded: the work left it
  // in a state it must not be lent in again (a transaction that could not be rolled back).
  let lost: unknown;
  let discarded: unknown;
  const onError = (error: unknown) => {
    lost ??= error;
  };
  const discard = (error: unknown) => {
    if (isConnectionFailure(error)) lost ??= error;
    else discarded ??= error;
  };
  client.on('error', onError);
  try {
    return await work(client, discard);
  } catch (error) {
    if (lost !== undefined && !isConnectionFailure(error)) {
      // The connection broke under the work, whatever the work made of that.
      throw new StoreUnavailableError('the connection to PostgreSQL was lost', { cause: lost });
    }
    throw unavailableOr(error);
  } finally {
    // The pool listens again from the moment it has the connection back, and closes a broken one.
    client.removeListener('error', onError);
    const broken = lost ?? discarded;
    client.release(broken === undefined ? undefined : toError(broken));
  }
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
