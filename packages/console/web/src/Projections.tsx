import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { postJson, type LiveStatus, type ProjectionStatus } from './api.js';

/** A rebuild or a skip made here: the action the server numbered it with, and the status it answered. */
export interface Action {
  readonly kind: 'rebuild' | 'skip';
  readonly action: number;
  readonly status: ProjectionStatus;
}
import { formatCount, formatTime, percent } from './format.js';
import { SkipDialog } from './SkipDialog.js';

const STATES: Readonly<Record<ProjectionStatus['state'], string>> = {
  running: 'Up to date',
  'catching-up': 'Catching up',
  rebuilding: 'Rebuilding',
  stopped: 'Stopped by an error',
};

/**
 * Every projection: how far it is, its state and last error. Rebuild one (a progress bar follows the live
 * status), or skip the poison event a stopped one is stuck at, after a confirmation.
 */
export function Projections({ apiKey, live }: { apiKey: string; live: LiveStatus | null }) {
  // The last action taken here on each projection, until the live status reflects it (a rebuild: its end).
  const [started, setStarted] = useState<Readonly<Record<string, Action>>>({});
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [skipping, setSkipping] = useState<ProjectionStatus | null>(null);

  // A rebuild started here is over once a status that reflects it shows no rebuild any more.
  useEffect(() => {
    if (!live) return;
    for (const [name, { kind, action }] of Object.entries(started)) {
      const status = live.projections.find((p) => p.name === name);
      if (live.action < action || !status) continue;
      if (kind === 'skip') {
        setStarted(({ [name]: _done, ...others }) => others);
      } else if (status.rebuild === null && status.state !== 'rebuilding') {
        setStarted(({ [name]: _done, ...others }) => others);
        setMessage(`The rebuild of ${name} is finished: it is at position ${formatCount(status.position)}.`);
      }
    }
  }, [live, started]);

  if (live === null) return <Title>{<p role="status">Loading the projections…</p>}</Title>;

  const rebuild = async (name: string) => {
    setError('');
    setMessage(`Rebuilding ${name}…`);
    try {
      const answer = await postJson<{ action: number; projection: ProjectionStatus }>(
        apiKey,
        `projections/${encodeURIComponent(name)}/rebuild`,
      );
      setStarted((s) => ({
        ...s,
        [name]: { kind: 'rebuild', action: answer.action, status: answer.projection },
      }));
    } catch (e) {
      setMessage('');
      setError((e as Error).message);
    }
  };
  const skippedAt = skipping?.failure?.position;
  // The live status, unless it does not reflect an action taken here yet: then that action's answer.
  const shown = live.projections.map((p) => {
    const mine = started[p.name];
    return mine && live.action < mine.action ? mine.status : p;
  });

  return (
    <Title>
      <p class="error" role="alert">
        {error}
      </p>
      <p role="status">{message}</p>
      <div class="table-wrap">
        <table class="projections">
          <caption class="visually-hidden">Projections and their status</caption>
          <thead>
            <tr>
              <th scope="col">Projection</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Position
              </th>
              <th scope="col" class="num">
                Head
              </th>
              <th scope="col" class="num">
                Lag
              </th>
              <th scope="col">Last error</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.name} data-projection={p.name}>
                <th scope="row">
                  {p.name} <span class="muted">v{p.version}</span>
                </th>
                <td>
                  <span class={`state state-${p.state}`}>{STATES[p.state]}</span>
                  {p.rebuild && (
                    <div class="progress">
                      <progress
                        max={100}
                        value={percent(p.rebuild.done, p.rebuild.total)}
                        aria-label={`Rebuild of ${p.name}`}
                      />
                      <span>
                        {formatCount(p.rebuild.done)} of {formatCount(p.rebuild.total)} events (
                        {percent(p.rebuild.done, p.rebuild.total)}%)
                        {p.rebuild.secondsLeft !== null && p.rebuild.secondsLeft > 0
                          ? `, about ${p.rebuild.secondsLeft} s left`
                          : ''}
                      </span>
                    </div>
                  )}
                </td>
                <td class="num" data-field="position">
                  {formatCount(p.position)}
                </td>
                <td class="num" data-field="head">
                  {formatCount(p.head)}
                </td>
                <td class="num" data-field="lag">
                  {formatCount(p.lag)}
                </td>
                <td>
                  {p.failure ? (
                    <>
                      <strong>At position {formatCount(p.failure.position)}</strong> ({p.failure.eventType}
                      ): {p.failure.message}{' '}
                      <span class="muted">
                        since {formatTime(p.failure.since)}, {p.failure.attempts} attempt
                        {p.failure.attempts === 1 ? '' : 's'}
                      </span>
                    </>
                  ) : (
                    <span class="muted">None</span>
                  )}
                </td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      disabled={p.state === 'rebuilding'}
                      aria-label={`Rebuild ${p.name}`}
                      onClick={() => void rebuild(p.name)}
                    >
                      Rebuild
                    </button>
                    {p.failure && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Skip the event at position ${formatCount(p.failure.position)} for ${p.name}`}
                        onClick={() => {
                          setSkipping(p);
                        }}
                      >
                        Skip event…
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {skipping?.failure && (
        <SkipDialog
          apiKey={apiKey}
          projection={skipping}
          onClose={(done) => {
            setSkipping(null);
            if (!done) return;
            setStarted((s) => ({ ...s, [done.status.name]: done }));
            setMessage(
              `Skipped the event at position ${formatCount(skippedAt ?? '?')}: ${done.status.name} goes on.`,
            );
          }}
        />
      )}
    </Title>
  );
}

function Title({ children }: { children: ComponentChildren }) {
  return (
    <section aria-labelledby="projections-title">
      <h1 id="projections-title" tabIndex={-1}>
        Projections
      </h1>
      {children}
    </section>
  );
}
