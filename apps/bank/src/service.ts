// The bank service declared: its environment, roles, fraud settings, features and HTTP surface (the
// contract, shared/contracts/bank-http.md), its web UI and the admin console. main.ts runs it; the e2e
// tests start it the same way (testing/bankServer.ts).
import { adminConsole } from '@janus/console';
import { defineService, variable } from '@janus/service';
import { accountOwner } from './accounts/accountHandlers.js';
import { findAccount } from './accounts/accountQueries.js';
import { accountSnapshots } from './accounts/accountSnapshots.js';
import { bankProjections, registerBankCommands, registerBankQueries } from './bank.js';
import { FraudLimitsConfig, defaultFraudLimits, type FraudLimits } from './fraud/fraudLimits.js';
import { commandPolicy, queryPolicy } from './http/access.js';
import { accountRoutes } from './http/accountRoutes.js';
import { serveBankUi } from './http/bankUi.js';
import { fraudRoutes } from './http/fraudRoutes.js';
import { historyRoutes } from './http/historyRoutes.js';
import { GetSession, sessionRoutes, whoIsAsking } from './http/sessionRoutes.js';
import { RenderStatement, renderStatement, statementRoutes } from './http/statementRoutes.js';
import { statisticsRoutes } from './http/statisticsRoutes.js';
import { transferRoutes } from './http/transferRoutes.js';
import { bankRoles } from './roles.js';

const FRAUD_VARIABLES = {
  largeAmount: 'BANK_FRAUD_LARGE_AMOUNT',
  velocityMax: 'BANK_FRAUD_VELOCITY_MAX',
  velocityWindowS: 'BANK_FRAUD_VELOCITY_WINDOW_S',
  dailyLimit: 'BANK_FRAUD_DAILY_LIMIT',
} as const;

/** BANK_FRAUD_*, each with the contract's default; what is wrong goes to `problems`. */
function readFraudLimits(env: Readonly<Record<string, string | undefined>>, problems: string[]): FraudLimits {
  const input = Object.fromEntries(
    Object.entries(FRAUD_VARIABLES).flatMap(([field, name]) => {
      const text = variable(env, name);
      return text === undefined ? [] : [[field, text]];
    }),
  );
  const fraud = FraudLimitsConfig.safeParse(input);
  if (fraud.success) return fraud.data;
  for (const issue of fraud.error.issues) {
    const field = String(issue.path[0]) as keyof typeof FRAUD_VARIABLES;
    const message = issue.message.replace(new RegExp(`^${field} `), '');
    problems.push(`${FRAUD_VARIABLES[field]} ${message}, got '${String(input[field])}'`);
  }
  return defaultFraudLimits;
}

/** A key lifetime for people: "24 hours", "1.5 hours". */
const formatHours = (ms: number) => {
  const hours = ms / 3_600_000;
  return `${Number.isInteger(hours) ? hours : Number(hours.toPrecision(3))} hour${hours === 1 ? '' : 's'}`;
};

export const bankService = defineService({
  name: 'bank',
  version: '0.1.0',
  env: {
    prefix: 'BANK',
    defaultPort: 3000,
    defaultDataDir: './data',
    sqliteFile: 'bank.db',
    readDatabase: true,
  },
  roles: bankRoles,
  // Requests per minute: a customer's key the tightest (10 a second), an auditor's enough for reports, a
  // teller's enough for a load test of the whole bank from one key (5,000 a second, its throughput target).
  rateLimits: { teller: 300_000, auditor: 6_000, customer: 600 },
  config: (env, problems) => ({ fraud: readFraudLimits(env, problems) }),
  projections: bankProjections,
  // Enough for a few hundred concurrent transfers on a handful of accounts before a client sees a 409.
  retry: { attempts: 25, baseDelayMs: 5, maxDelayMs: 250 },
  commands: (bus, deps) =>
    registerBankCommands(bus, {
      store: deps.store,
      fraud: deps.config.fraud,
      ...(deps.retry ? { retry: deps.retry } : {}),
      snapshots: accountSnapshots(deps.events, deps.config.fraud),
    }),
  queries: (bus, { readModels, events }) =>
    registerBankQueries(bus, { readModels, store: events })
      .register(RenderStatement, renderStatement({ readModels, store: events }))
      .register(GetSession, whoIsAsking),
  policies: {
    commands: ({ events }) => commandPolicy((accountId) => accountOwner(events, accountId)),
    // The read model answers what the query itself reads; the write side, never behind, covers an account
    // the read model has not seen yet (an `asOf` query reads events).
    queries: ({ events, readModels }) =>
      queryPolicy(
        async (accountId) =>
          (await findAccount(readModels, accountId))?.customerId ?? (await accountOwner(events, accountId)),
      ),
  },
  // Every route of the contract, and /session for the web UI.
  routes: [
    ...accountRoutes,
    ...transferRoutes,
    ...historyRoutes,
    ...statisticsRoutes,
    ...statementRoutes,
    ...fraudRoutes,
    ...sessionRoutes,
  ],
  plugins: async (app, { authenticate, events, runner, config }) => {
    await serveBankUi(app);
    // The admin console at /admin/ (streams, the global log, projections), for tellers only.
    await app.register(
      adminConsole({
        authenticate,
        authorize: (principal) => principal.roles.includes('teller'),
        store: events,
        projections: runner,
        liveFeedsPerKey: config.limits.liveFeedsPerKey,
      }),
    );
  },
  banner: (url) => [
    `Web UI: ${url}/ (sign in with one of the API keys)`,
    `Admin console: ${url}/admin/ (tellers)`,
  ],
  openapi: {
    title: 'Janus Bank',
    description: (config) =>
      [
        'The reference banking service built on Janus.',
        '',
        '- Money is a JSON string: a decimal with at most two fraction digits in requests (greater than ' +
          'zero, at most 1000000000.00), exactly two in answers.',
        '- Ids are made by the server (UUIDv7). An account id in a path, a query string or a transfer ' +
          'is 1 to 64 characters of A-Z, a-z, 0-9, _ or -; anything else is a 400 before any lookup.',
        '- Roles: `teller` (everything), `auditor` (every query, no command: 403), ' +
          '`customer:<customerId>` (opens accounts for itself, else 403; deposits to and withdraws ' +
          'from its own accounts; transfers from its own accounts to any account; may not close ' +
          'accounts: 403; reads its own accounts and summary; /fraud/alerts: 403). Another ' +
          "customer's account or summary is a 404, word for word as if it did not exist.",
        '- Commands answer `position`; a query sent with `X-Min-Position` answers once its read ' +
          'models reached it (waiting up to `X-Max-Wait-Ms`, default 5000, at most 30000).',
        '- Conflicting concurrent commands are retried inside the service; 409 ' +
          '`concurrency-conflict` only when the retries run out.',
        '- Any command may carry `Idempotency-Key` (1–255 visible ASCII characters): a retry with the ' +
          'same key, caller and body gets the first answer again (`Idempotent-Replayed: true`), even ' +
          'after a restart; another body is a 422 `idempotency-key-reused`; while the first request ' +
          'runs, a 409 `idempotency-in-flight`. A body with the same JSON members in another order is the ' +
          'same request. Keys are kept with the events, apart from the event log, for ' +
          `${formatHours(config.idempotencyTtlMs)}; after that the same key is a new request. A 401, a 403 ` +
          "or the 404 of another customer's account is not kept.",
        '- Limits: requests per minute per key by role (RATE_LIMIT_CUSTOMER 600, _AUDITOR 6000, _TELLER 300000) and per address without a ' +
          'valid key (RATE_LIMIT_ANONYMOUS 300); over them a 429 `rate-limited` with `Retry-After` (seconds). ' +
          '/health, /ready and /metrics are never limited. A request must arrive within ' +
          'HTTP_REQUEST_TIMEOUT_MS (default 30 s).',
        '- A JSON body with a key given twice, at any depth, is a 400 naming the key. A `description` with a lone ' +
          'surrogate or a bidirectional control character (U+202A–U+202E, U+2066–U+2069) is a 400 ' +
          'naming the field.',
      ].join('\n'),
  },
});
