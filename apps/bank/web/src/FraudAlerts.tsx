// Refused withdrawals and transfers, newest first (tellers and auditors).
import { useState } from 'preact/hooks';
import { useApp, useQuery, may } from './appContext';
import { accountIdError } from './fields';
import { ErrorMessage, Panel, TextField } from './Field';
import { formatInstant, formatKind } from './format';
import { formatMoney } from './money';
import { href } from './router';

interface Alert {
  readonly alertId: string;
  readonly accountId: string;
  readonly rule: string;
  readonly operation: string;
  readonly amount: string;
  readonly attemptedAt: string;
}

const ALERTS_REFRESH_MS = 3000;

const RULES: Readonly<Record<string, string>> = {
  'large-amount': 'Large amount',
  velocity: 'Too many in a short time',
  'daily-limit': 'Daily limit',
};

export function FraudAlerts() {
  const { session } = useApp();
  const [accountId, setAccountId] = useState('');
  const filterError = accountId === '' ? undefined : accountIdError(accountId);
  const path =
    filterError === undefined
      ? `/fraud/alerts?limit=100${accountId === '' ? '' : `&accountId=${encodeURIComponent(accountId)}`}`
      : null;
  // A refused operation answers 422 without a position, so its alert cannot be waited for: the list asks
  // again every few seconds instead.
  const alerts = useQuery<{ readonly items: readonly Alert[] }>(
    may.seeFraudAlerts(session) ? path : null,
    ALERTS_REFRESH_MS,
  );
  if (!may.seeFraudAlerts(session)) {
    return (
      <>
        <h1>Fraud alerts</h1>
        <p>Fraud alerts are for tellers and auditors.</p>
      </>
    );
  }
  return (
    <>
      <h1>Fraud alerts</h1>
      <Panel title="Refused operations, newest first">
        <TextField
          label="Only for account id (optional)"
          name="accountId"
          value={accountId}
          onInput={setAccountId}
          error={filterError}
        />
        {alerts.error === undefined ? null : <ErrorMessage error={alerts.error} />}
        {alerts.data === undefined ? null : alerts.data.items.length === 0 ? (
          <p>No alerts.</p>
        ) : (
          <table class="alerts">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Account</th>
                <th scope="col">Rule</th>
                <th scope="col" class="number">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.items.map((alert) => (
                <tr key={alert.alertId}>
                  <td>{formatInstant(alert.attemptedAt)}</td>
                  <td>
                    <a class="id" href={href({ page: 'account', accountId: alert.accountId })}>
                      {alert.accountId}
                    </a>
                  </td>
                  <td>
                    {RULES[alert.rule] ?? alert.rule}
                    <span class="description">{formatKind(alert.operation)}</span>
                  </td>
                  <td class="number">{formatMoney(alert.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
