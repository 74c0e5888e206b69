// One account: its balance, a chart of the balance over time, its history, statistics for a period,
// statements, and the forms its owner (or a teller) may use on it.
import { may, useApp, useQuery } from './appContext';
import { BalanceChart } from './BalanceChart';
import { ErrorMessage, Panel } from './Field';
import { formatAccountType, formatInstant } from './format';
import { MovementForm } from './MovementForm';
import { formatMoney } from './money';
import { accountPath } from './paths';
import { href } from './router';
import { StatementDownloads } from './StatementDownloads';
import { StatisticsPanel } from './StatisticsPanel';
import { TransactionHistory } from './TransactionHistory';
import { TransferForm } from './TransferForm';

export interface Account {
  readonly accountId: string;
  readonly customerId: string;
  readonly type: string;
  readonly currency: string;
  readonly balance: string;
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
}

export function AccountPage({ accountId }: { readonly accountId: string }) {
  const { session } = useApp();
  const account = useQuery<Account>(accountPath(accountId));
  if (account.error !== undefined) {
    return (
      <>
        <h1>Account</h1>
        <ErrorMessage error={account.error} />
      </>
    );
  }
  if (account.data === undefined) return <p role="status">Loading the account…</p>;
  const { customerId, type, currency, balance, status, openedAt } = account.data;
  const movable = status === 'open' && may.command(session);
  return (
    <>
      <h1>
        {formatAccountType(type)} account <span class="id">{accountId}</span>
      </h1>
      <section class="panel balance" aria-label="Balance">
        <p class="amount" data-testid="balance">
          {formatMoney(balance)} <span class="currency">{currency}</span>
        </p>
        <p>
          {status === 'closed' ? <span class="badge">closed</span> : null} Owner{' '}
          <a href={href({ page: 'customer', customerId })}>{customerId}</a> · opened {formatInstant(openedAt)}
        </p>
      </section>
      <div class={movable ? 'account-layout' : undefined}>
        <div class="account-main">
          <Panel title="Balance over time">
            <BalanceChart accountId={accountId} currency={currency} openedAt={openedAt} />
          </Panel>
          <TransactionHistory accountId={accountId} />
          <StatisticsPanel accountId={accountId} />
          <StatementDownloads accountId={accountId} />
        </div>
        {movable ? (
          <div class="account-forms">
            <MovementForm accountId={accountId} kind="deposit" currency={currency} />
            <MovementForm accountId={accountId} kind="withdrawal" currency={currency} />
            <TransferForm fromAccountId={accountId} currency={currency} customerId={customerId} />
          </div>
        ) : null}
      </div>
    </>
  );
}
