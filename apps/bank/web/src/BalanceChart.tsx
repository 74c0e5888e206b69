// The balance over time, drawn by uPlot from the history's balanceAfter; a text summary says the same for
// screen readers.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp } from './appContext';
import { ErrorMessage } from './Field';
import { formatInstant } from './format';
import { formatMoney, plotValue } from './money';
import { latestTransactions, type Transaction } from './transactions';

const HEIGHT = 220;

export function BalanceChart({
  accountId,
  currency,
  openedAt,
}: {
  readonly accountId: string;
  readonly currency: string;
  /** The chart starts there, at zero unless an opening deposit is the first transaction. */
  readonly openedAt: string;
}) {
  const { revision } = useApp();
  const [points, setPoints] = useState<readonly Transaction[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    latestTransactions(accountId).then(
      (items) => {
        if (current) {
          setPoints(items);
          setError(undefined);
        }
      },
      (failure: unknown) => {
        if (current) setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [accountId, revision]);

  useEffect(() => {
    const element = box.current;
    if (element === null || points === undefined || points.length === 0) return;
    // From the opening (at zero, unless an opening deposit is the first point) to now (the last balance holds).
    const first = points[0];
    const last = points[points.length - 1];
    const opening = first?.kind === 'opening_deposit' ? [] : [{ at: openedAt, balance: '0.00' }];
    const steps = [
      ...opening,
      ...points.map((p) => ({ at: p.occurredAt, balance: p.balanceAfter })),
      // (This browser's clock may be behind the service's: never before the last point.)
      {
        at: latest(new Date().toISOString(), last?.occurredAt ?? openedAt),
        balance: last?.balanceAfter ?? '0.00',
      },
    ];
    const data: uPlot.AlignedData = [
      steps.map((s) => Date.parse(s.at) / 1000),
      steps.map((s) => plotValue(s.balance)),
    ];
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: HEIGHT,
        legend: { show: false },
        scales: { x: { time: true } },
        axes: [{}, { size: 80, values: (_u, values) => values.map(tickLabel) }],
        series: [
          {},
          {
            label: `Balance (${currency})`,
            stroke: '#1f5f99',
            fill: 'rgba(31, 95, 153, 0.12)',
            width: 2,
            paths: uPlot.paths.stepped?.({ align: 1 }),
          },
        ],
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: element.clientWidth, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points, currency, openedAt]);

  if (error !== undefined) return <ErrorMessage error={error} />;
  if (points === undefined) return <p role="status">Loading the chart…</p>;
  if (points.length === 0) return <p>No transactions yet: nothing to draw.</p>;
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <figure class="chart">
      <div ref={box} class="chart-box" role="img" aria-label={`Chart of the balance in ${currency}`} />
      {first === undefined || last === undefined ? null : (
        <figcaption>
          {points.length} {points.length === 1 ? 'transaction' : 'transactions'} from{' '}
          {formatInstant(first.occurredAt)} to {formatInstant(last.occurredAt)}; balance{' '}
          {formatMoney(first.balanceAfter)} at first, {formatMoney(last.balanceAfter)} {currency} now.
        </figcaption>
      )}
    </figure>
  );
}

/** The later of two ISO 8601 UTC instants. */
const latest = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

/** A y-axis tick: money written as everywhere else (a tick a hair below zero is zero, not "−0.00"). */
const tickLabel = (value: number): string => formatMoney(Math.abs(value) < 0.005 ? '0.00' : value.toFixed(2));
