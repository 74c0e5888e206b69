// A customer's accounts with their balances and totals by currency. A customer sees its own; tellers and
// auditors look a customer up by id.
import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { may, useApp, useQuery } from './appContext';
import { customerIdError } from './fields';
import { ErrorMessage, Panel, TextField } from './Field';
import { formatAccountType } from './format';
import { formatMoney } from './money';
import { summaryPath } from './paths';
import { href, navigate } from './router';

interface Summary {
  readonly customerId: string;
  readonly accounts: readonly {
    readonly accountId: string;
    readonly type: string;
    readonly currency: string;
    readonly balance: string;
    readonly status: 'open' | 'closed';
  }[];
  readonly totals: Readonly<Record<string, string>>;
}

export function HomePage() {
  const { session } = useApp();
  if (session.role === 'customer' && session.customerId !== undefined) {
    return <CustomerPage customerId={session.customerId} />;
  }
  return (
    <>
      <h1>Customers</h1>
      <FindCustomer />
    </>
  );
}

export function CustomerPage({ customerId }: { readonly customerId: string }) {
  const { session } = useApp();
  const own = session.role === 'customer';
  return (
    <>
      <h1>{own ? 'My accounts' : `Customer ${customerId}`}</h1>
      {may.lookUpCustomers(session) ? <FindCustomer initial={customerId} /> : null}
      <CustomerSummary customerId={customerId} />
    </>
  );
}

function FindCustomer({ initial = '' }: { readonly initial?: string }) {
  const [customerId, setCustomerId] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const error = customerIdError(customerId);
  return (
    <form
      class="inline-form"
      role="search"
      aria-label="Find a customer"
      onSubmit={(event) => {
        event.preventDefault();
        setAttempted(true);
        if (error === undefined) navigate({ page: 'customer', customerId });
      }}
    >
      <TextField
        label="Customer id"
        name="customerId"
        value={customerId}
        onInput={setCustomerId}
        error={error}
        showError={attempted || customerId !== ''}
      />
      <button type="submit">Show accounts</button>
    </form>
  );
}

function CustomerSummary({ customerId }: { readonly customerId: string }) {
  const { session } = useApp();
  const summary = useQuery<Summary>(summaryPath(customerId));
  const canOpen = may.openAccountFor(session, customerId);
  const openLink = canOpen ? (
    <p>
      <a class="button" href={href({ page: 'open', customerId })}>
        Open an account
      </a>
    </p>
  ) : null;

  if (summary.error instanceof ApiError && summary.error.slug === 'not-found') {
    return (
      <Panel title="Accounts">
        <p>{customerId} has no accounts yet.</p>
        {openLink}
      </Panel>
    );
  }
  if (summary.error !== undefined) return <ErrorMessage error={summary.error} />;
  if (summary.data === undefined) return <p role="status">Loading accounts…</p>;
  const { accounts, totals } = summary.data;
  return (
    <>
      <Panel title="Accounts">
        <table class="accounts">
          <caption class="visually-hidden">Accounts of {customerId}, with their balances</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col" class="number">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <tr key={account.accountId} class={account.status === 'closed' ? 'closed' : undefined}>
                <th scope="row">
                  <a href={href({ page: 'account', accountId: account.accountId })}>
                    {formatAccountType(account.type)}
                  </a>
                  {account.status === 'closed' ? <span class="badge">closed</span> : null}
                  <span class="id">{account.accountId}</span>
                </th>
                <td class="number" data-account={account.accountId}>
                  {formatMoney(account.balance)} {account.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {openLink}
      </Panel>
      <Panel title="Totals">
        <dl class="totals">
          {Object.entries(totals).map(([currency, total]) => (
            <div key={currency}>
              <dt>{currency}</dt>
              <dd data-currency={currency}>{formatMoney(total)}</dd>
            </div>
          ))}
        </dl>
      </Panel>
    </>
  );
}
