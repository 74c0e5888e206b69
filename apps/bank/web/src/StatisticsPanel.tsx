// Statistics for a chosen period [from, to), whole UTC days.
import { useState } from 'preact/hooks';
import { useQuery } from './appContext';
import { ErrorMessage, Panel, TextField } from './Field';
import { formatInstant, formatKind } from './format';
import { formatMoney } from './money';
import { accountPath } from './paths';
import type { Transaction } from './transactions';

interface CountAndTotal {
  readonly count: number;
  readonly total: string;
}

interface Statistics {
  readonly deposits: CountAndTotal;
  readonly withdrawals: CountAndTotal;
  readonly transfersIn: CountAndTotal;
  readonly transfersOut: CountAndTotal;
  readonly netFlow: string;
  readonly minBalance: string | null;
  readonly maxBalance: string | null;
  readonly largestTransaction: Transaction | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The period's query string: from the start of `from` to the end of `to` (UTC days). */
function periodQuery(from: string, to: string): string {
  const params = new URLSearchParams();
  if (from !== '') params.set('from', `${from}T00:00:00Z`);
  if (to !== '') {
    const end = new Date(`${to}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    params.set('to', end.toISOString());
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function StatisticsPanel({ accountId }: { readonly accountId: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const errors = {
    from:
      from === '' || DAY.test(from) ? undefined : 'Enter a date, or leave it empty for “since the start”.',
    to:
      to !== '' && !DAY.test(to)
        ? 'Enter a date, or leave it empty for “until now”.'
        : from !== '' && to !== '' && to < from
          ? 'The last day must not be before the first.'
          : undefined,
  };
  const valid = errors.from === undefined && errors.to === undefined;
  const stats = useQuery<Statistics>(
    valid ? accountPath(accountId, `/statistics${periodQuery(from, to)}`) : null,
  );

  return (
    <Panel title="Statistics">
      <div class="period">
        <TextField
          label="First day (UTC)"
          type="date"
          name="from"
          value={from}
          onInput={setFrom}
          error={errors.from}
        />
        <TextField
          label="Last day (UTC)"
          type="date"
          name="to"
          value={to}
          onInput={setTo}
          error={errors.to}
        />
      </div>
      {stats.error === undefined ? null : <ErrorMessage error={stats.error} />}
      {stats.data === undefined ? null : (
        <dl class="stats" aria-busy={stats.loading}>
          <Stat label="Deposits" value={stats.data.deposits} />
          <Stat label="Withdrawals" value={stats.data.withdrawals} />
          <Stat label="Transfers in" value={stats.data.transfersIn} />
          <Stat label="Transfers out" value={stats.data.transfersOut} />
          <div>
            <dt>Net flow</dt>
            <dd>{formatMoney(stats.data.netFlow)}</dd>
          </div>
          <div>
            <dt>Lowest / highest balance</dt>
            <dd>
              {stats.data.minBalance === null || stats.data.maxBalance === null
                ? '—'
                : `${formatMoney(stats.data.minBalance)} / ${formatMoney(stats.data.maxBalance)}`}
            </dd>
          </div>
          <div>
            <dt>Largest transaction</dt>
            <dd>
              {stats.data.largestTransaction === null
                ? '—'
                : `${formatKind(stats.data.largestTransaction.kind)} of ${formatMoney(stats.data.largestTransaction.amount)}, ${formatInstant(stats.data.largestTransaction.occurredAt)}`}
            </dd>
          </div>
        </dl>
      )}
    </Panel>
  );
}

function Stat({ label, value }: { readonly label: string; readonly value: CountAndTotal }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {formatMoney(value.total)}
        <span class="count">
          {value.count} {value.count === 1 ? 'transaction' : 'transactions'}
        </span>
      </dd>
    </div>
  );
}
