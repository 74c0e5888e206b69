// Every call the UI makes to the bank: the API key (kept in sessionStorage, sent as a bearer token, never in
// a URL), problem+json errors as ApiError, and read-your-writes: each query sends the highest position any
// command of this session answered as X-Min-Position, so a screen never shows a state older than the
// user's own last change.

const KEY = 'janus.apiKey';
const POSITION = 'janus.bank.position';

export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const storeKey = (key: string): void => {
  sessionStorage.setItem(KEY, key);
};
export const forgetKey = (): void => {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(POSITION);
};

/** An RFC 9457 problem, as the bank answers every error. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** fraud-suspected: the rule that refused the operation. */
  readonly rule?: string;
  /** validation-error: one entry per field. */
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  /** The slug of the problem's type: `/problems/insufficient-funds` → `insufficient-funds`. */
  get slug(): string {
    return this.problem.type.replace(/^\/problems\//, '');
  }
}

/** Called when the service refuses the key (401): the UI signs out. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (callback: () => void): void => {
  onUnauthorized = callback;
};

/** The highest position a command of this session answered. */
function highestPosition(): bigint {
  const kept = sessionStorage.getItem(POSITION);
  return kept !== null && /^\d+$/.test(kept) ? BigInt(kept) : 0n;
}

/** Positions are JSON numbers, or strings beyond 2^53. */
function remember(position: unknown): void {
  if (typeof position !== 'number' && typeof position !== 'string') return;
  const value = BigInt(position);
  if (value > highestPosition()) sessionStorage.setItem(POSITION, value.toString());
}

async function send(path: string, init: RequestInit & { key?: string }): Promise<Response> {
  const key = init.key ?? storedKey();
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  const problem = await problemOf(response);
  if (response.status === 401 && init.key === undefined) onUnauthorized();
  throw new ApiError(problem);
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    if (typeof body.type === 'string' && typeof body.title === 'string') {
      return { ...body, type: body.type, title: body.title, status: response.status };
    }
  } catch {
    // not JSON: a proxy's error page, say
  }
  return { type: '/problems/internal', title: response.statusText || 'Error', status: response.status };
}

/** Read-your-writes for every query: wait until the read models reached this session's last command. */
function consistencyHeaders(): Record<string, string> {
  const position = highestPosition();
  return position > 0n ? { 'x-min-position': position.toString() } : {};
}

/** GET a JSON answer. `key` is for signing in: the key being tried, before it is kept. */
export async function query<T>(path: string, key?: string): Promise<T> {
  const response = await send(path, {
    headers: { accept: 'application/json', ...consistencyHeaders() },
    ...(key === undefined ? {} : { key }),
  });
  return (await response.json()) as T;
}

/** GET another representation (a PDF or CSV statement) as a Blob. */
export async function download(path: string, accept: string): Promise<Blob> {
  const response = await send(path, { headers: { accept, ...consistencyHeaders() } });
  return response.blob();
}

/**
 * POST a command. The idempotency key makes a retry of the same submission (a double click, a lost
 * answer) harmless: the service answers the first result again.
 */
export async function command<T extends { readonly position: number | string }>(
  path: string,
  body: unknown,
  idempotencyKey: string,
): Promise<T> {
  const response = await send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  remember(answer.position);
  return answer;
}

/** A fresh idempotency key (crypto.randomUUID exists only on secure origins; getRandomValues everywhere). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
