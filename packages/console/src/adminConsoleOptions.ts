import type { EventStore, GlobalLog, Principal, ProjectionRunner, StreamIndex } from '@janus/core';
import type { Authenticator } from '@janus/http';

/** What the console does with projections: a ProjectionRunner fits as it is. */
export type ConsoleProjections = Pick<
  ProjectionRunner,
  'projections' | 'workflows' | 'status' | 'rebuild' | 'skip'
>;

export interface AdminConsoleOptions {
  /** The app's own Authenticator, the one given to createHttpApp: no key, or a wrong one, is a 401. */
  readonly authenticate: Authenticator;
  /** Who may use the console (an operator role, say); everyone else gets a 403. */
  readonly authorize: (principal: Principal) => boolean;
  /** The event store: its streams and its global log. */
  readonly store: EventStore & GlobalLog & StreamIndex;
  /** The projections to show, rebuild and unblock. */
  readonly projections: ConsoleProjections;
  /** Live updates: a heartbeat after this long without a message (default 15000 ms). */
  readonly heartbeatMs?: number;
  /** Live updates: how often the log and the projections are read without a wake-up (default 500 ms). */
  readonly pollIntervalMs?: number;
  /** Live feeds open at once per key (default 10): one more is a 429 `rate-limited` problem. */
  readonly liveFeedsPerKey?: number;
  /** The built UI's folder (default: this package's dist/admin, made by `npm run build`). */
  readonly assets?: string;
}
