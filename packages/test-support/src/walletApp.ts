// A tiny in-memory service for the e2e tests: wallets that can be opened, credited and debited, a
// document projection of them, and routes for each. Not part of the package's API.
import {
  CommandBus,
  InMemoryEventStore,
  InMemoryProjectionStore,
  NotFoundError,
  ProjectionRunner,
  QueryBus,
  assertNever,
  authorization,
  command,
  decider,
  event,
  fail,
  handleCommand,
  idempotentStore,
  projection,
  query,
  returns,
  validation,
  type Dispatch,
  type EventOf,
  type Message,
  type MessageOf,
  type Principal,
} from '@janus/core';
import { operationsRoutes, type OperationsRoutesOptions } from '@janus/service';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { z } from 'zod';
import {
  JanusMetrics,
  bearerKeys,
  commandRoute,
  createHttpApp,
  csvDecimal,
  csvText,
  jsonPosition,
  queryRoute,
  type HttpAppOptions,
} from '@janus/http';

const WalletId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const Amount = z.number().int().positive().max(1_000_000);

export const WalletOpened = event(
  'test.WalletOpened.v1',
  z.object({ walletId: WalletId, owner: z.string() }),
);
export const Credited = event('test.Credited.v1', z.object({ walletId: WalletId, amount: Amount }));
export const Debited = event('test.Debited.v1', z.object({ walletId: WalletId, amount: Amount }));
export const LimitSet = event('test.LimitSet.v1', z.object({ walletId: WalletId, limit: Amount }));
type WalletEvent = EventOf<typeof WalletOpened | typeof Credited | typeof Debited | typeof LimitSet>;

export const OpenWallet = command('test.OpenWallet', z.object({ walletId: WalletId, owner: z.string() }));
export const Credit = command('test.Credit', z.object({ walletId: WalletId, amount: Amount }));
export const Debit = command('test.Debit', z.object({ walletId: WalletId, amount: Amount }));
export const SetLimit = command(
  'test.SetLimit',
  z.object({ walletId: WalletId, limit: Amount, expectedVersion: z.number().int() }),
);
export const Explode = command('test.Explode', z.object({}), returns<never>());
export const Slow = command('test.Slow', z.object({ ms: z.number().int() }), returns<{ slept: number }>());
type WalletCommand = MessageOf<typeof OpenWallet | typeof Credit | typeof Debit>;

export interface WalletDoc {
  readonly walletId: string;
  readonly owner: string;
  readonly balance: number;
}
export const GetWallet = query('test.GetWallet', z.object({ walletId: WalletId }), returns<WalletDoc>());
export const ListWallets = query('test.ListWallets', z.object({ owner: z.string() }), returns<WalletDoc[]>());

type Wallet = { readonly status: 'none' } | { readonly status: 'open'; readonly balance: number };

export const wallet = decider<Wallet, WalletCommand, WalletEvent>({
  initialState: () => ({ status: 'none' }),
  decide(cmd, state) {
    switch (cmd.type) {
      case 'test.OpenWallet':
        return state.status === 'none' ? [WalletOpened(cmd.data)] : fail('wallet-exists');
      case 'test.Credit':
        if (state.status === 'none') throw new NotFoundError(`wallet '${cmd.data.walletId}' does not exist`);
        return [Credited(cmd.data)];
      case 'test.Debit':
        if (state.status === 'none') throw new NotFoundError(`wallet '${cmd.data.walletId}' does not exist`);
        if (state.balance < cmd.data.amount) {
          return fail('insufficient-funds', {
            message: `the balance is ${state.balance}`,
            extensions: { balance: state.balance, requested: cmd.data.amount },
          });
        }
        return [Debited(cmd.data)];
      default:
        return assertNever(cmd);
    }
  },
  evolve(state, e) {
    switch (e.type) {
      case 'test.WalletOpened.v1':
        return { status: 'open', balance: 0 };
      case 'test.Credited.v1':
        return state.status === 'open' ? { ...state, balance: state.balance + e.data.amount } : state;
      case 'test.Debited.v1':
        return state.status === 'open' ? { ...state, balance: state.balance - e.data.amount } : state;
      case 'test.LimitSet.v1':
        return state;
      default:
        return assertNever(e);
    }
  },
});

export const wallets = projection({
  name: 'test.wallets',
  version: 1,
  handles: [WalletOpened, Credited, Debited],
  id: (e) => e.data.walletId,
  indexes: ['owner'],
  apply: (doc: WalletDoc | undefined, e) => {
    switch (e.type) {
      case 'test.WalletOpened.v1':
        return { walletId: e.data.walletId, owner: e.data.owner, balance: 0 };
      case 'test.Credited.v1':
        return doc ? { ...doc, balance: doc.balance + e.data.amount } : null;
      case 'test.Debited.v1':
        return doc ? { ...doc, balance: doc.balance - e.data.amount } : null;
    }
  },
});

export const KEYS = { writer: 'writer-key-0123456789', reader: 'reader-key-0123456789' } as const;
const principals = new Map<string, Principal>([
  [KEYS.writer, { id: 'alice', roles: ['writer'] }],
  [KEYS.reader, { id: 'bob', roles: ['reader'] }],
]);

const hasRole = (dispatch: Dispatch, ...roles: string[]) =>
  dispatch.message.metadata.principal?.roles.some((r) => roles.includes(r)) ?? false;

const Path = z.object({ walletId: WalletId });
const AmountBody = z.object({ amount: Amount });

export const walletRoutes = [
  commandRoute({
    url: '/wallets',
    command: OpenWallet,
    body: z.object({ walletId: WalletId }),
    status: 201,
    summary: 'Open a wallet for the caller',
    response: z.object({ walletId: z.string(), position: z.number() }),
    errors: ['wallet-exists'],
    toData: ({ body, principal }) => ({ walletId: body.walletId, owner: principal.id }),
    toResponse: (result, { body }) => ({
      body: { walletId: body.walletId, position: jsonPosition(result.position) },
      headers: { location: `/wallets/${body.walletId}` },
    }),
  }),
  commandRoute({
    url: '/wallets/:walletId/credits',
    command: Credit,
    params: Path,
    body: AmountBody,
    status: 201,
    toData: ({ params, body }) => ({ walletId: params.walletId, amount: body.amount }),
  }),
  commandRoute({
    url: '/wallets/:walletId/debits',
    command: Debit,
    params: Path,
    body: AmountBody,
    status: 201,
    errors: ['insufficient-funds'],
    toData: ({ params, body }) => ({ walletId: params.walletId, amount: body.amount }),
  }),
  commandRoute({
    method: 'PUT',
    url: '/wallets/:walletId/limit',
    command: SetLimit,
    params: Path,
    // Looser than the command's schema on purpose: the bus's validation middleware has the last word.
    body: z.object({ limit: z.number().int(), expectedVersion: z.number().int() }),
    toData: ({ params, body }) => ({ walletId: params.walletId, ...body }),
    toResponse: (result) => ({ status: 204, headers: { 'x-position': String(result.position) } }),
  }),
  commandRoute({ url: '/explode', command: Explode, toData: () => ({}) }),
  commandRoute({
    url: '/slow',
    command: Slow,
    body: z.object({ ms: z.number().int().min(0).max(5000) }),
    toData: ({ body }) => body,
  }),
  queryRoute({
    url: '/wallets/:walletId',
    query: GetWallet,
    params: Path,
    projections: ['test.wallets'],
    response: z.object({ walletId: z.string(), owner: z.string(), balance: z.number() }),
    toData: ({ params }) => params,
    produces: {
      'text/csv': (doc) => ({
        body: `walletId,owner,balance\n${csvText(doc.walletId)},${csvText(doc.owner)},${csvDecimal(doc.balance)}\n`,
        headers: { 'content-disposition': `attachment; filename="${doc.walletId}.csv"` },
      }),
    },
  }),
  queryRoute({
    url: '/wallets',
    query: ListWallets,
    querystring: z.object({
      owner: z.string().min(1),
      limit: z.coerce.number().int().min(1).max(100).default(10),
    }),
    toData: ({ query }) => ({ owner: query.owner }),
    toResponse: (items, { query }) => ({ body: { items: items.slice(0, query.limit) } }),
  }),
];

export interface WalletApp {
  readonly app: FastifyInstance;
  readonly store: InMemoryEventStore;
  readonly runner: ProjectionRunner;
  readonly metrics: JanusMetrics;
  /** Every log line, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Every message the handlers saw. */
  readonly seen: Message[];
  /** What /ready answers. */
  ready: boolean;
  close(): Promise<void>;
}

/** createHttpApp's options, and /ready's check (default: WalletApp.ready). */
export type WalletAppOptions = Partial<HttpAppOptions> & Pick<OperationsRoutesOptions, 'ready'>;

/** The wallet service, its projection runner started, its app not listening yet. */
export async function walletApp(options: WalletAppOptions = {}): Promise<WalletApp> {
  const { ready, ...httpOptions } = options;
  const store = new InMemoryEventStore();
  const projections = new InMemoryProjectionStore();
  const runner = new ProjectionRunner({
    log: store,
    store: projections,
    projections: [wallets],
    pollIntervalMs: 50,
  });
  const metrics = new JanusMetrics({ projections: () => runner.status(), processMetrics: false });
  const seen: Message[] = [];
  const commands = new CommandBus()
    .use(authorization((d) => hasRole(d, 'writer')))
    .use(validation())
    .use(async (dispatch, next) => {
      seen.push(dispatch.message);
      return next();
    });
  const queries = new QueryBus()
    .use(authorization((d) => hasRole(d, 'writer', 'reader')))
    .use(validation())
    .use(async (dispatch, next) => {
      seen.push(dispatch.message);
      return next();
    });

  // Handlers append through an idempotentStore, so that an Idempotency-Key commits with its events.
  const commandStore = idempotentStore(store);
  const handle = async (cmd: WalletCommand) => {
    const outcome = await handleCommand(commandStore, wallet, `wallet-${cmd.data.walletId}`, cmd);
    metrics.eventsAppended(outcome.events.length);
    return { version: outcome.version, position: outcome.position };
  };
  commands
    .register(OpenWallet, handle)
    .register(Credit, handle)
    .register(Debit, handle)
    .register(SetLimit, async ({ data }) => {
      const { walletId, limit, expectedVersion } = data;
      const result = await store.append(`wallet-${walletId}`, [LimitSet({ walletId, limit })], {
        expectedVersion,
      });
      metrics.eventsAppended(1);
      return result;
    })
    .register(Explode, () => {
      throw new Error('SQLITE_ERROR: no such table: secret_accounts (at /srv/app/db.ts:42)');
    })
    .register(Slow, async ({ data }) => {
      await new Promise((resolve) => setTimeout(resolve, data.ms));
      return { slept: data.ms };
    });
  const docs = projections.documents<WalletDoc>(wallets);
  queries
    .register(GetWallet, async ({ data }) => {
      const doc = await docs.get(data.walletId);
      if (!doc) throw new NotFoundError(`wallet '${data.walletId}' does not exist`);
      return doc;
    })
    .register(ListWallets, ({ data }) => docs.find('owner', data.owner));

  await runner.start();
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const state: WalletApp = {
    app: undefined as unknown as FastifyInstance,
    store,
    runner,
    metrics,
    logs,
    seen,
    ready: true,
    close: async () => {
      await state.app.close();
      await runner.stop();
    },
  };
  const app = createHttpApp({
    commands,
    queries,
    routes: walletRoutes,
    authenticate: bearerKeys(principals),
    consistency: runner,
    metrics,
    logger,
    openapi: { info: { title: 'Wallets', version: '1.0.0' } },
    idempotency: { store },
    ...httpOptions,
  });
  operationsRoutes(app, {
    ready: ready ?? (() => Promise.resolve(state.ready)),
    cacheMs: options.operationsCacheMs,
  });
  return Object.assign(state, { app });
}
