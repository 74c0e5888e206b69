// The admin console's live updates as Server-Sent Events: new events of the global log as they commit,
// and the projections' status whenever it changes, with heartbeats in between.
import type { GlobalLog } from '@janus/core';
import { stringifyBody } from '@janus/http';
import type { ConsoleProjections } from './adminConsoleOptions.js';
import { eventJson, statusJson } from './consoleJson.js';

export interface LiveFeedOptions {
  /** Events after this position (exclusive) are sent. */
  readonly after: bigint;
  /** Ends the feed (the client went away, or the server closes). */
  readonly signal: AbortSignal;
  /** A comment line when nothing else was sent for this long, so that proxies keep the connection. */
  readonly heartbeatMs: number;
  /** How often the log and the status are read without a wake-up (writers in other processes, rebuilds). */
  readonly pollIntervalMs: number;
  /** Events per message at most. */
  readonly batchSize?: number;
  /** How many operator actions (rebuilds, skips) the console took so far: each change resends the status. */
  readonly actions?: () => number;
}

/**
 * The text of an event stream: `events` messages (a JSON array; `id` is the position of the last one,
 * so a reconnection resumes with Last-Event-ID) and `projections` messages (`{ action, projections }`:
 * every projection's status, sent first, then on every change and after every operator action, `action`
 * saying how many actions the status reflects). Ends cleanly when `signal` aborts.
 */
export async function* liveFeed(
  log: GlobalLog,
  projections: ConsoleProjections,
  options: LiveFeedOptions,
): AsyncGenerator<string> {
  const { signal, heartbeatMs, pollIntervalMs, batchSize = 200, actions = () => 0 } = options;
  let after = options.after;
  let lastStatus = '';
  let lastAction = -1;
  // Counts appends, so that one landing while a round reads is never waited for.
  let appends = 0;
  let wake: (() => void) | undefined;
  const unsubscribe = log.onAppended(() => {
    appends++;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    // Tells the browser how soon to come back after a lost connection.
    yield 'retry: 2000\n\n';
    let quietSince = Date.now();
    while (!signal.aborted) {
      const seen = appends;
      const events = await log.readAll({ after, limit: batchSize });
      const last = events.at(-1);
      if (last) {
        after = last.position;
        yield message('events', stringifyBody(events.map(eventJson)), after.toString());
        quietSince = Date.now();
      }
      // Read before the status: a status read after an action reflects it.
      const action = actions();
      const status = stringifyBody((await projections.status()).map(statusJson));
      if (status !== lastStatus || action !== lastAction) {
        lastStatus = status;
        lastAction = action;
        yield message('projections', `{"action":${action},"projections":${status}}`);
        quietSince = Date.now();
      }
      if (events.length === batchSize) continue;
      if (Date.now() - quietSince >= heartbeatMs) {
        yield ': heartbeat\n\n';
        quietSince = Date.now();
      }
      const waitMs = Math.min(pollIntervalMs, Math.max(heartbeatMs - (Date.now() - quietSince), 0));
      await new Promise<void>((resolve) => {
        if (signal.aborted || appends !== seen) {
          resolve();
          return;
        }
        const timer = setTimeout(done, waitMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}

const message = (event: string, data: string, id?: string) =>
  `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${data}\n\n`;
