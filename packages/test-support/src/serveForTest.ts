// Starts a wallet app on a real port for e2e tests, with a small fetch helper.
import { KEYS, walletApp, type WalletApp, type WalletAppOptions } from './walletApp.js';

export interface CallOptions {
  /** 'writer', 'reader', a raw key, or null for no Authorization header. Default 'writer'. */
  readonly as?: keyof typeof KEYS | null | { readonly key: string };
  /** Sent as JSON with Content-Type: application/json. */
  readonly json?: unknown;
  /** Sent as it is (set the content type in `headers`). */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: Record<string, unknown>;
}

export interface Served extends WalletApp {
  readonly url: string;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
}

export async function serveForTest(options: WalletAppOptions = {}): Promise<Served> {
  const wallet = await walletApp(options);
  await wallet.app.listen({ port: 0, host: '127.0.0.1' });
  const address = wallet.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening on a port');
  const url = `http://127.0.0.1:${address.port}`;
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Answer> => {
    const as = o.as === undefined ? 'writer' : o.as;
    const key = as === null ? undefined : typeof as === 'string' ? KEYS[as] : as.key;
    const headers: Record<string, string> = {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(o.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    };
    const body = o.json === undefined ? o.raw : JSON.stringify(o.json);
    const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
  return Object.assign(wallet, { url, call });
}
