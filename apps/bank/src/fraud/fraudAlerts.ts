import { projection, query, returns } from '@janus/core';
import { formatMoney } from '@janus/money';
import { z } from 'zod';
import { FraudAlertRaised, type FraudRule, type ScreenedOperation } from '../accounts/accountEvents.js';
import type { BankQueryDeps } from '../accounts/accountQueries.js';

/** One refused operation in the read model: a document per alert, found by account or all together. */
export interface FraudAlertDocument {
  readonly alertId: string;
  readonly accountId: string;
  readonly rule: FraudRule;
  readonly operation: ScreenedOperation;
  /** Cents. */
  readonly amount: bigint;
  readonly counterpartyAccountId: string | null;
  readonly attemptedAt: string;
  /** Global log position of the alert: orders alerts newest first. */
  readonly position: bigint;
  /** The same for every alert: the index that lists them all (a document reader finds by field only). */
  readonly feed: 'fraud-alerts';
}

export const fraudAlertsView = projection({
  name: 'bank.fraud-alerts',
  version: 1,
  handles: [FraudAlertRaised],
  id: (event) => event.data.alertId,
  indexes: ['accountId', 'feed'],
  apply: (_doc: FraudAlertDocument | undefined, event): FraudAlertDocument => {
    const { alertId, accountId, rule, operation, amount, counterpartyAccountId, at } = event.data;
    return {
      alertId,
      accountId,
      rule,
      operation,
      amount,
      counterpartyAccountId,
      attemptedAt: at,
      position: event.position,
      feed: 'fraud-alerts',
    };
  },
});

/** An item of `GET /fraud/alerts` as the contract writes it. */
export interface FraudAlert {
  readonly alertId: string;
  readonly accountId: string;
  readonly rule: FraudRule;
  readonly operation: ScreenedOperation;
  readonly amount: string;
  readonly attemptedAt: string;
}

export const ListFraudAlerts = query(
  'bank.ListFraudAlerts',
  z.object({
    accountId: z.string().optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(50),
  }),
  returns<{ readonly items: readonly FraudAlert[] }>(),
);

/** `GET /fraud/alerts?accountId=&limit=`, newest first; an unknown account simply has no alerts. */
export async function listFraudAlerts(
  deps: Pick<BankQueryDeps, 'readModels'>,
  params: { readonly accountId?: string | undefined; readonly limit?: number },
): Promise<{ readonly items: readonly FraudAlert[] }> {
  const alerts = deps.readModels.documents(fraudAlertsView);
  const docs =
    params.accountId === undefined
      ? await alerts.find('feed', 'fraud-alerts')
      : await alerts.find('accountId', params.accountId);
  docs.sort((a, b) => (a.position === b.position ? 0 : a.position > b.position ? -1 : 1));
  return {
    items: docs.slice(0, params.limit ?? 50).map((d) => ({
      alertId: d.alertId,
      accountId: d.accountId,
      rule: d.rule,
      operation: d.operation,
      amount: formatMoney(d.amount),
      attemptedAt: d.attemptedAt,
    })),
  };
}
