import {
  NotFoundError,
  foldStream,
  query,
  returns,
  type EventStore,
  type ReadModels,
  type RecordedEvent,
} from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { accountEvents, type AccountEvent } from './accountEvents.js';
import {
  accountsView,
  applyToAccount,
  toAccountView,
  type AccountDocument,
  type AccountView,
} from './accountsView.js';
import { QueryInstant, accountStream } from './fields.js';

/** What the bank's query handlers read: the read models, and the event store for views folded on read. */
export interface BankQueryDeps {
  readonly readModels: ReadModels;
  readonly store: EventStore;
}

/** Ids in a query are looked up, not validated: an id that cannot exist is simply not found. */
const LookupId = z.string();

export const GetAccount = query(
  'bank.GetAccount',
  z.object({ accountId: LookupId, asOf: QueryInstant.optional() }),
  returns<AccountView>(),
);

export interface CustomerSummary {
  readonly customerId: string;
  readonly accounts: readonly Pick<AccountView, 'accountId' | 'type' | 'currency' | 'balance' | 'status'>[];
  /** Sum of the balances by currency. */
  readonly totals: Readonly<Record<string, string>>;
}

export const GetCustomerSummary = query(
  'bank.GetCustomerSummary',
  z.object({ customerId: LookupId }),
  returns<CustomerSummary>(),
);

const notFound = (accountId: string) => new NotFoundError(`account '${accountId}' does not exist`);

/** The account document from the read model, or undefined: also what authorization looks up. */
export const findAccount = (
  readModels: ReadModels,
  accountId: string,
): Promise<AccountDocument | undefined> => readModels.documents(accountsView).get(accountId);

/** The account document, or NotFoundError. */
export async function requireAccount(readModels: ReadModels, accountId: string): Promise<AccountDocument> {
  const doc = await findAccount(readModels, accountId);
  if (!doc) throw notFound(accountId);
  return doc;
}

const accountEventTypes = new Set<string>(accountEvents.map((e) => e.type));
const isAccountEvent = (event: RecordedEvent): event is RecordedEvent<AccountEvent> =>
  accountEventTypes.has(event.type);

/**
 * The account as it stood at an instant, rebuilt from its events (never from the read model): every
 * event whose business time (`at`, the time the read model shows as openedAt and occurredAt) is at or
 * before `asOf`. Undefined when the account did not exist yet.
 */
export async function accountAsOf(
  store: EventStore,
  accountId: string,
  asOf: string,
): Promise<AccountDocument | undefined> {
  const until = Date.parse(asOf);
  if (Number.isNaN(until)) throw new TypeError(`invalid instant '${asOf}'`);
  const { state } = await foldStream<AccountDocument | undefined>(store, accountStream(accountId), {
    initialState: () => undefined,
    evolve: (doc, event) =>
      isAccountEvent(event) && Date.parse(event.data.at) <= until ? applyToAccount(doc, event) : doc,
  });
  return state;
}

/** `GET /accounts/{accountId}[?asOf=]` */
export async function getAccount(
  deps: BankQueryDeps,
  params: { readonly accountId: string; readonly asOf?: string | undefined },
): Promise<AccountView> {
  const doc =
    params.asOf === undefined
      ? await findAccount(deps.readModels, params.accountId)
      : await accountAsOf(deps.store, params.accountId, params.asOf);
  if (!doc) throw notFound(params.accountId);
  return toAccountView(doc);
}

/** `GET /customers/{customerId}/summary`: a customer exists through its accounts; none is a 404. */
export async function getCustomerSummary(
  deps: BankQueryDeps,
  params: { readonly customerId: string },
): Promise<CustomerSummary> {
  const docs = await deps.readModels.documents(accountsView).find('customerId', params.customerId);
  if (docs.length === 0) throw new NotFoundError(`customer '${params.customerId}' has no accounts`);
  docs.sort((a, b) => compare(a.openedAt, b.openedAt) || compare(a.accountId, b.accountId));
  const totals = new Map<string, bigint>();
  for (const doc of docs) totals.set(doc.currency, (totals.get(doc.currency) ?? 0n) + doc.balance);
  return {
    customerId: params.customerId,
    accounts: docs.map(({ accountId, type, currency, balance, status }) => ({
      accountId,
      type,
      currency,
      balance: formatMoney(balance),
      status,
    })),
    totals: Object.fromEntries(
      [...totals]
        .sort(([a], [b]) => compare(a, b))
        .map(([currency, cents]) => [currency, formatMoney(cents)]),
    ),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
