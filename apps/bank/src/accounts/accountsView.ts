import { assertNever, projection } from '@janus/core';
import { formatMoney } from '@janus/money';
import {
  AccountClosed,
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  OpeningDepositMade,
  TransferReceived,
  TransferSent,
  type AccountEvent,
} from './accountEvents.js';
import type { AccountType } from './fields.js';

/** One account in the read model: a document by accountId, found by customerId for the customer summary. */
export interface AccountDocument {
  readonly accountId: string;
  readonly customerId: string;
  readonly type: AccountType;
  readonly currency: string;
  /** Cents. */
  readonly balance: bigint;
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
}

/**
 * The account document after one event: shared by the projection and by the `asOf` view, which folds
 * an account's stream with it, so both answer the same shape from the same rules.
 */
export function applyToAccount(
  doc: AccountDocument | undefined,
  event: AccountEvent,
): AccountDocument | undefined {
  switch (event.type) {
    case 'bank.AccountOpened.v1': {
      const { accountId, customerId, type, currency, at } = event.data;
      return { accountId, customerId, type, currency, balance: 0n, status: 'open', openedAt: at };
    }
    case 'bank.OpeningDepositMade.v1':
    case 'bank.MoneyDeposited.v1':
    case 'bank.TransferReceived.v1':
      return doc && { ...doc, balance: doc.balance + event.data.amount };
    case 'bank.MoneyWithdrawn.v1':
    case 'bank.TransferSent.v1':
      return doc && { ...doc, balance: doc.balance - event.data.amount };
    case 'bank.AccountClosed.v1':
      return doc && { ...doc, status: 'closed' };
    case 'bank.FraudAlertRaised.v1':
      return doc;
    default:
      return assertNever(event);
  }
}

/** The accounts read model: `GET /accounts/{id}` and, through its customerId index, the customer summary. */
export const accountsView = projection({
  name: 'bank.accounts',
  version: 1,
  handles: [
    AccountOpened,
    OpeningDepositMade,
    MoneyDeposited,
    MoneyWithdrawn,
    TransferSent,
    TransferReceived,
    AccountClosed,
  ],
  id: (event) => event.data.accountId,
  indexes: ['customerId'],
  apply: (doc: AccountDocument | undefined, event) => applyToAccount(doc, event) ?? null,
});

/** `GET /accounts/{accountId}` as the contract writes it. */
export interface AccountView {
  readonly accountId: string;
  readonly customerId: string;
  readonly type: AccountType;
  readonly currency: string;
  readonly balance: string;
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
}

export const toAccountView = (doc: AccountDocument): AccountView => ({
  accountId: doc.accountId,
  customerId: doc.customerId,
  type: doc.type,
  currency: doc.currency,
  balance: formatMoney(doc.balance),
  status: doc.status,
  openedAt: doc.openedAt,
});
