/**
 * Runs the tasks given to it one after another, in call order, whatever their callers do meanwhile; a
 * failed task does not stop the ones queued behind it.
 *
 * A task that fails with SQLITE_BUSY ("cannot commit transaction - SQL statements in progress") runs again,
 * up to 5 times: emmett-sqlite 0.38.5 now and then commits while one of its own statements is still open
 * (seen in long runs only, never with overlapping calls, which this queue rules out). Its transaction is
 * rolled back, so running it again appends once.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(() => retryBusy(task));
    tail = run.catch(() => undefined);
    return run;
  };
}

async function retryBusy<T>(task: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= attempts || (error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    }
  }
}
