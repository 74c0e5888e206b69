// The account's transactions, newest first, a page at a time (the service's cursors; the cursors of the
// pages already seen are kept to go back).
import { useState } from 'preact/hooks';
import { useQuery } from './appContext';
import { ErrorMessage, Panel } from './Field';
import { formatInstant, formatKind } from './format';
import { formatMoney } from './money';
import { href } from './router';
import { transactionsPath, type TransactionPage } from './transactions';

const PAGE_SIZE = 10;

export function TransactionHistory({ accountId }: { readonly accountId: string }) {
  // The cursors of the pages shown so far: the last is this page's (null: the newest page).
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useQuery<TransactionPage>(transactionsPath(accountId, PAGE_SIZE, cursor));
  const pageNumber = cursors.length;

  return (
    <Panel title="Transactions">
      {page.error === undefined ? null : <ErrorMessage error={page.error} />}
      {page.data === undefined ? (
        page.error === undefined ? (
          <p role="status">Loading transactions…</p>
        ) : null
      ) : page.data.items.length === 0 ? (
        <p>No transactions yet.</p>
      ) : (
        <table class="transactions" aria-describedby={`history-page-${accountId}`}>
          <caption class="visually-hidden">Transactions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col" class="number">
                Amount
              </th>
              <th scope="col" class="number">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((item) => (
              <tr key={item.transactionId}>
                <td>{formatInstant(item.occurredAt)}</td>
                <td>
                  {formatKind(item.kind)}
                  {item.counterpartyAccountId === undefined ? null : (
                    <>
                      {' '}
                      {item.kind === 'transfer_out' ? 'to' : 'from'}{' '}
                      <a class="id" href={href({ page: 'account', accountId: item.counterpartyAccountId })}>
                        {item.counterpartyAccountId}
                      </a>
                    </>
                  )}
                  {/* The service describes an undescribed item by its kind: no need to say it twice. */}
                  {item.description === '' ||
                  item.description.toLowerCase() === formatKind(item.kind).toLowerCase() ? null : (
                    <span class="description">{item.description}</span>
                  )}
                </td>
                <td class={`number ${item.amount.startsWith('-') ? 'out' : 'in'}`}>
                  {formatMoney(item.amount)}
                </td>
                <td class="number">{formatMoney(item.balanceAfter)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length === 1}
          onClick={() => {
            setCursors((c) => c.slice(0, -1));
          }}
        >
          Newer
        </button>
        <span id={`history-page-${accountId}`}>Page {pageNumber}</span>
        <button
          type="button"
          class="secondary"
          disabled={page.data?.nextCursor == null}
          onClick={() => {
            const next = page.data?.nextCursor;
            if (next != null) setCursors((c) => [...c, next]);
          }}
        >
          Older
        </button>
      </div>
    </Panel>
  );
}
