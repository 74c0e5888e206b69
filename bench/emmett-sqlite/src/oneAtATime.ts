/**
 * Runs the tasks given to it one after another, in call order, whatever their callers do meanwhile; a
 * failed task does not stop the ones queued behind it.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
