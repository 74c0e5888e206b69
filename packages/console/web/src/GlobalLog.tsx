import { useState } from 'preact/hooks';
import type { Position, RecordedEvent } from './api.js';
import { formatCount, formatJson, formatTime } from './format.js';
import { hrefOf } from './useHashRoute.js';

/** The live tail of the global log, newest first; pausing freezes the list while events keep coming. */
export function GlobalLog({ events, head }: { events: RecordedEvent[]; head: Position }) {
  const [frozen, setFrozen] = useState<RecordedEvent[] | null>(null);
  const shown = frozen ?? events;
  const last = frozen?.at(-1)?.position;
  const waiting =
    frozen === null || last === undefined
      ? 0
      : events.filter((e) => BigInt(e.position) > BigInt(last)).length;
  return (
    <section aria-labelledby="log-title">
      <h1 id="log-title" tabIndex={-1}>
        Global log
      </h1>
      <div class="toolbar">
        <button
          type="button"
          aria-pressed={frozen !== null}
          onClick={() => {
            setFrozen(frozen === null ? events : null);
          }}
        >
          {frozen === null ? 'Pause' : 'Resume'}
        </button>
        <span role="status">
          {frozen === null
            ? `Live: new events appear as they commit. Head at position ${formatCount(head)}.`
            : `Paused: ${waiting} new event${waiting === 1 ? '' : 's'} waiting.`}
        </span>
      </div>
      {shown.length === 0 ? (
        <p>The log is empty.</p>
      ) : (
        <ul class="tail" aria-label="Most recent events, newest first">
          {[...shown].reverse().map((e) => (
            <li key={String(e.position)}>
              <details>
                <summary>
                  <span class="pos">#{formatCount(e.position)}</span> <span class="type">{e.type}</span>{' '}
                  <span class="muted">
                    {e.streamId} v{e.version} ·{' '}
                    <time dateTime={e.recordedAt}>{formatTime(e.recordedAt)}</time>
                  </span>
                </summary>
                <p>
                  <a href={hrefOf({ page: 'streams', streamId: e.streamId })}>Open stream {e.streamId}</a>
                </p>
                <h2 class="small">Data</h2>
                <pre class="json" tabIndex={0} aria-label="Data as JSON">
                  {formatJson(e.data)}
                </pre>
                <h2 class="small">Metadata</h2>
                <pre class="json" tabIndex={0} aria-label="Metadata as JSON">
                  {formatJson(e.metadata)}
                </pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
