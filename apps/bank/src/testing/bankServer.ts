// The bank service on a real port for the e2e tests, started by the same startBank that main.ts calls,
// with a fetch helper. Configuration goes through loadConfig, as the environment would give it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { money } from '@janus/money';
import { createTestDatabase } from '@janus/test-support/testDatabase';
import { loadConfig, type ConfigVariables } from '../config.js';
import type { TransactionPage } from '../history/listTransactions.js';
import type { TransactionItem } from '../history/transactionHistory.js';
import { startBank, type RunningBank, type StartBankOptions } from '../http/startBank.js';

/** The keys every test server accepts. */
export const KEYS = {
  teller: 'test-teller-key',
  auditor: 'test-auditor-key',
  alice: 'test-alice-key',
  bob: 'test-bob-key',
} as const;
export type Caller = keyof typeof KEYS;

const BANK_API_KEYS = `${KEYS.teller}=teller,${KEYS.auditor}=auditor,${KEYS.alice}=customer:alice,${KEYS.bob}=customer:bob`;

export interface CallOptions {
  /** A test key by name, a raw key, or null for no Authorization header. Default 'teller'. */
  readonly as?: Caller | null | { readonly key: string };
  /** Sent as JSON, with Content-Type: application/json. */
  readonly json?: unknown;
  /** Sent as it is (set the content type in `headers`). */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON; {} when it is not JSON. Cast it to the answer's type to look deeper. */
  readonly body: Record<string, unknown>;
  readonly bytes: Uint8Array;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Answer>;

/** A fetch helper for a bank at `url`. */
export function caller(url: string, keys: Readonly<Record<string, string>> = KEYS): Call {
  return async (method, urlPath, o = {}) => {
    const as = o.as === undefined ? 'teller' : o.as;
    const key = as === null ? undefined : typeof as === 'string' ? keys[as] : as.key;
    const headers: Record<string, string> = {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(o.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    };
    const body = o.json === undefined ? o.raw : JSON.stringify(o.json);
    const response = await fetch(url + urlPath, { method, headers, ...(body === undefined ? {} : { body }) });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, text, body: parsed, bytes };
  };
}

export interface TestBank {
  readonly bank: RunningBank;
  readonly url: string;
  readonly dataDir: string;
  readonly call: Call;
  /** Stops the service and deletes its data folder. */
  close(): Promise<void>;
}

/** A fresh temporary folder (under the OS's temp folder). */
export const temporaryDir = (prefix: string): Promise<string> =>
  fs.mkdtemp(path.join(os.tmpdir(), `janus-bank-${prefix}-`));

/**
 * Starts a bank on a free port over a fresh SQLite file, or over the databases `variables` name. In the
 * `bank-on-postgres` test project (BANK_E2E_STORE=postgres) every such bank gets a fresh PostgreSQL
 * database instead of the SQLite file, so the same end-to-end tests run on both stores.
 */
export async function serveBank(
  variables: ConfigVariables = {},
  options: Pick<StartBankOptions, 'logger' | 'idempotencyClock'> = {},
): Promise<TestBank> {
  const dataDir = await temporaryDir('e2e');
  const onPostgres = process.env.BANK_E2E_STORE === 'postgres' && variables.DATABASE_URL === undefined;
  const database = onPostgres ? await createTestDatabase('janus_bank_e2e') : undefined;
  if (database) variables = { ...variables, DATABASE_URL: database.url };
  const config = loadConfig(
    {
      PORT: '0',
      BANK_DATA_DIR: dataDir,
      BANK_API_KEYS,
      LOG_LEVEL: 'silent',
      ...variables,
    },
    process.cwd(),
  );
  const bank = await startBank(config, { processMetrics: false, ...options });
  return {
    bank,
    url: bank.url,
    dataDir,
    call: caller(bank.url),
    async close() {
      await bank.close();
      await database?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens an account (as a teller unless told) and answers its id and the position of its events. */
export async function openAccount(
  call: Call,
  body: { customerId: string; type?: string; initialDeposit?: string; currency?: string },
  as: Caller = 'teller',
): Promise<{ accountId: string; position: number }> {
  const answer = await call('POST', '/accounts', { as, json: { type: 'checking', ...body } });
  if (answer.status !== 201) throw new Error(`opening an account failed: ${answer.status} ${answer.text}`);
  return answer.body as { accountId: string; position: number };
}

/** Every transaction item of an account, newest first, read page by page; anything but a 200 throws. */
export async function accountHistory(
  call: Call,
  accountId: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<TransactionItem[]> {
  const items: TransactionItem[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const answer = await call('GET', `/accounts/${accountId}/transactions?limit=500${query}`, { headers });
    if (answer.status !== 200) throw new Error(`reading the history failed: ${answer.status} ${answer.text}`);
    const page = answer.body as unknown as TransactionPage;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** The sum of the items' signed amounts, in cents: what the account's balance must be. */
export const sumOfAmounts = (items: readonly TransactionItem[]): bigint =>
  items.reduce(
    (total, item) =>
      total + (item.amount.startsWith('-') ? -money(item.amount.slice(1)) : money(item.amount)),
    0n,
  );

/** `{ 'x-min-position': position }`: a query that reads its writes. */
export const after = (position: number | bigint): Record<string, string> => ({
  'x-min-position': String(position),
});

const MONEY_FIELDS = new Set([
  'amount',
  'balance',
  'balanceAfter',
  'total',
  'netFlow',
  'minBalance',
  'maxBalance',
  'openingBalance',
  'closingBalance',
  'totalIn',
  'totalOut',
]);

/** Every money field anywhere in `value` (and every value of `totals`): paths of those not written "123.45". */
export function badMoney(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => badMoney(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    const here = at === '' ? key : `${at}.${key}`;
    if (key === 'totals' && typeof v === 'object' && v !== null) {
      return Object.entries(v).flatMap(([c, m]) =>
        typeof m === 'string' && /^-?[0-9]+\.[0-9]{2}$/.test(m) ? [] : [`${here}.${c}`],
      );
    }
    if (MONEY_FIELDS.has(key) && v !== null) {
      return typeof v === 'string' && /^-?[0-9]+\.[0-9]{2}$/.test(v) ? [] : [here];
    }
    return badMoney(v, here);
  });
}
