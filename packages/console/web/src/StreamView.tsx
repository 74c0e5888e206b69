import { useEffect, useState } from 'preact/hooks';
import { api, type RecordedEvent } from './api.js';
import { EventDetails } from './EventDetails.js';
import { formatCount, formatTime } from './format.js';

const PAGE = 20;

interface StreamPage {
  readonly streamId: string;
  readonly version: number;
  readonly events: RecordedEvent[];
  readonly next: number | null;
}

/** One stream: its events a page at a time, and one event in full, stepped through by version. */
export function StreamView({ apiKey, streamId }: { apiKey: string; streamId: string }) {
  const [events, setEvents] = useState<RecordedEvent[]>([]);
  const [version, setVersion] = useState(0);
  const [next, setNext] = useState<number | null>(null);
  const [selected, setSelected] = useState(1);
  const [error, setError] = useState('');
  const path = `streams/${encodeURIComponent(streamId)}`;

  const load = async (from: number) => {
    const page = await api<StreamPage>(apiKey, `${path}?from=${from}&limit=${PAGE}`);
    setEvents((shown) => (from === 1 ? page.events : [...shown, ...page.events]));
    setVersion(page.version);
    setNext(page.next);
    return page;
  };
  useEffect(() => {
    setError('');
    setSelected(1);
    load(1).catch((e: unknown) => {
      setError((e as Error).message);
    });
    // A new stream: start over.
  }, [streamId]);

  // Stepping past the loaded page loads the next one.
  const select = (wanted: number) => {
    setSelected(wanted);
    if (!events.some((e) => e.version === wanted) && next !== null && wanted >= next) {
      load(next).catch((e: unknown) => {
        setError((e as Error).message);
      });
    }
  };
  const event = events.find((e) => e.version === selected);

  return (
    <section aria-labelledby="stream-title">
      <p>
        <a href="#/streams">← All streams</a>
      </p>
      <h1 id="stream-title" tabIndex={-1}>
        Stream <code>{streamId}</code>
      </h1>
      <p class="error" role="alert">
        {error}
      </p>
      {version > 0 && (
        <div class="split">
          <div>
            <p>
              {version} event{version === 1 ? '' : 's'}
            </p>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Events of the stream</caption>
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      Version
                    </th>
                    <th scope="col">Type</th>
                    <th scope="col" class="num">
                      Position
                    </th>
                    <th scope="col">Time</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((e) => (
                    <tr key={e.version} class={e.version === selected ? 'selected' : undefined}>
                      <td class="num">
                        <button
                          type="button"
                          class="link"
                          aria-pressed={e.version === selected}
                          onClick={() => {
                            select(e.version);
                          }}
                        >
                          {e.version}
                        </button>
                      </td>
                      <td>{e.type}</td>
                      <td class="num">{formatCount(e.position)}</td>
                      <td>
                        <time dateTime={e.recordedAt}>{formatTime(e.recordedAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {next !== null && (
              <button
                type="button"
                onClick={() => {
                  load(next).catch((e: unknown) => {
                    setError((e as Error).message);
                  });
                }}
              >
                More events
              </button>
            )}
          </div>
          <div>
            <nav class="stepper" aria-label="Step through versions">
              <button
                type="button"
                disabled={selected <= 1}
                onClick={() => {
                  select(selected - 1);
                }}
              >
                ← Previous version
              </button>
              <span aria-live="polite">
                Version {selected} of {version}
              </span>
              <button
                type="button"
                disabled={selected >= version}
                onClick={() => {
                  select(selected + 1);
                }}
              >
                Next version →
              </button>
            </nav>
            {event ? <EventDetails event={event} /> : <p role="status">Loading…</p>}
          </div>
        </div>
      )}
    </section>
  );
}
