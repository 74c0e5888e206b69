// The fraud alerts read model specified with given(projection, …): a document per alert, with the log
// position that orders them, found by account or all together.
import { given } from '@janus/core/testing';
import { describe, test } from 'vitest';
import { AccountOpened, FraudAlertRaised } from '../accounts/accountEvents.js';
import { fraudAlertsView } from './fraudAlerts.js';

const at = '2026-05-01T10:00:00.000Z';
const alert = (alertId: string, accountId: string) =>
  FraudAlertRaised({
    alertId,
    accountId,
    rule: 'velocity',
    operation: 'transfer_out',
    amount: 500n,
    counterpartyAccountId: 'acc-9',
    at,
  });

describe('fraudAlertsView', () => {
  test('each alert is a document, at the position the log recorded it', () => {
    given(fraudAlertsView, [
      AccountOpened({ accountId: 'acc-1', customerId: 'alice', type: 'checking', currency: 'USD', at }),
      { ...alert('tr-1', 'acc-1'), position: 42n },
    ]).thenDocuments({
      'tr-1': {
        alertId: 'tr-1',
        accountId: 'acc-1',
        rule: 'velocity',
        operation: 'transfer_out',
        amount: 500n,
        counterpartyAccountId: 'acc-9',
        attemptedAt: at,
        position: 42n,
        feed: 'fraud-alerts',
      },
    });
  });

  test('alerts are found by account, and all of them through the feed', () => {
    const spec = given(fraudAlertsView, [alert('a', 'acc-1'), alert('b', 'acc-2'), alert('c', 'acc-1')]);
    spec.thenFinds('accountId', 'acc-1', ['a', 'c']);
    spec.thenFinds('feed', 'fraud-alerts', ['a', 'b', 'c']);
  });
});
