// Talking to the console's API: every call sends the API key as a bearer token (never in a URL), and a
// problem+json answer becomes an ApiError that says in plain words what went wrong.
import { SseParser, sseMessages } from '../../src/sseParser.js';

const KEY = 'janus.apiKey';

/** The key of this browser tab's session, shared with the bank's UI (same origin, same name). */
export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const storeKey = (key: string): void => {
  sessionStorage.setItem(KEY, key);
};
export const forgetKey = (): void => {
  sessionStorage.removeItem(KEY);
};

export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

const SENTENCES: Readonly<Record<string, string>> = {
  unauthorized: 'This API key is not valid. Sign in again with a valid key.',
  forbidden: 'This API key may not use the admin console.',
  'not-found': 'It does not exist (any more).',
  'validation-error': 'The request was refused as invalid.',
  'concurrency-conflict': 'The projection is not stopped at that event any more: nothing was skipped.',
  'rate-limited':
    'Too many requests, or too many live views, with this key at once. Wait a moment and try again.',
  unavailable:
    'The service is not available for a moment (its database is out of reach, or it is restarting). Try again.',
  internal: 'The service failed to handle the request.',
};

/** An answer that is not a success, in plain words: `message` for people, `status` and `slug` for code. */
export class ApiError extends Error {
  readonly slug: string;
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    const slug = problem.type?.replace(/^\/problems\//, '') ?? `http-${status}`;
    const sentence = SENTENCES[slug] ?? problem.title ?? `The service answered ${status}.`;
    const fields = problem.errors?.map((e) => `${e.path || 'request'}: ${e.message}`).join('; ');
    const detail = fields ? `${problem.detail ?? ''} (${fields})` : problem.detail;
    super(detail && detail !== sentence ? `${sentence} ${detail}` : sentence);
    this.slug = slug;
  }
}

export type Json = Record<string, unknown>;

/** A JSON call to /admin/api/<path> with the key; an ApiError for anything but a success. */
interface CallInit {
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export async function api<T = Json>(key: string, path: string, init: CallInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/admin/api/${path}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${key}`, accept: 'application/json' },
    });
  } catch {
    throw new ApiError(0, { title: 'The service cannot be reached. Is it running?' });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, body as Problem);
  return body as T;
}

export const postJson = <T = Json>(key: string, path: string, body?: unknown): Promise<T> =>
  api<T>(key, path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

export interface LiveHandlers {
  readonly onEvents: (events: RecordedEvent[]) => void;
  readonly onProjections: (status: LiveStatus) => void;
  readonly onState: (state: LiveState) => void;
  /** The key was refused: stop, and sign out. */
  readonly onRefused: (error: ApiError) => void;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Every projection's status, and how many operator actions (rebuilds, skips) it reflects. */
export interface LiveStatus {
  readonly action: number;
  readonly projections: ProjectionStatus[];
}

/**
 * Follows /admin/api/live (Server-Sent Events) with fetch and a stream reader: EventSource cannot send the
 * key as a header. Reconnects after a lost connection, resuming after the last event it saw. Returns a stop.
 */
export function followLive(key: string, after: number | string, handlers: LiveHandlers): () => void {
  const stop = new AbortController();
  const stopped = () => stop.signal.aborted;
  let lastId = String(after);
  void (async () => {
    while (!stopped()) {
      handlers.onState(lastId === String(after) ? 'connecting' : 'reconnecting');
      try {
        const response = await fetch('/admin/api/live', {
          headers: { authorization: `Bearer ${key}`, 'last-event-id': lastId, accept: 'text/event-stream' },
          signal: stop.signal,
        });
        if (response.status === 401 || response.status === 403) {
          handlers.onRefused(new ApiError(response.status, (await response.json()) as Problem));
          return;
        }
        if (!response.ok || !response.body) throw new Error(`live updates answered ${response.status}`);
        handlers.onState('live');
        const parser = new SseParser();
        for await (const message of sseMessages(response.body, parser)) {
          if (message.event === 'events') handlers.onEvents(JSON.parse(message.data) as RecordedEvent[]);
          if (message.event === 'projections') handlers.onProjections(JSON.parse(message.data) as LiveStatus);
          if (parser.lastEventId) lastId = parser.lastEventId;
        }
      } catch {
        // A lost connection: try again below, unless stopped.
      }
      if (stopped()) return;
      handlers.onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
  return () => {
    stop.abort();
  };
}

/** A position as the API gives it: a number, or a string beyond 2^53. */
export type Position = number | string;

export interface RecordedEvent {
  readonly position: Position;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly recordedAt: string;
  readonly id: string;
  readonly metadata: Json;
  readonly data: unknown;
}

export interface StreamInfo {
  readonly streamId: string;
  readonly version: number;
  readonly position: Position;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly position: Position;
  readonly head: Position;
  readonly lag: Position;
  readonly state: 'running' | 'catching-up' | 'stopped' | 'rebuilding';
  readonly failure: {
    readonly position: Position;
    readonly eventId: string;
    readonly eventType: string;
    readonly message: string;
    readonly since: string;
    readonly attempts: number;
  } | null;
  readonly rebuild: {
    readonly done: Position;
    readonly total: Position;
    readonly rate: number;
    readonly secondsLeft: number | null;
  } | null;
  readonly outdated?: boolean;
}
