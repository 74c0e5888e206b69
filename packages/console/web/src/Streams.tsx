import { useEffect, useState } from 'preact/hooks';
import { api, type StreamInfo } from './api.js';
import { formatCount } from './format.js';
import { StreamView } from './StreamView.js';
import { hrefOf } from './useHashRoute.js';

const PAGE = 50;

export function Streams({ apiKey, streamId }: { apiKey: string; streamId: string | undefined }) {
  if (streamId !== undefined) return <StreamView apiKey={apiKey} streamId={streamId} />;
  return <StreamSearch apiKey={apiKey} />;
}

// The last search, kept while the user opens a stream and comes back.
let lastPrefix = '';

function StreamSearch({ apiKey }: { apiKey: string }) {
  const [prefix, setPrefix] = useState(lastPrefix);
  const [streams, setStreams] = useState<StreamInfo[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');

  const search = async (wanted: string, after?: string) => {
    setError('');
    try {
      const query = new URLSearchParams({ prefix: wanted, limit: String(PAGE) });
      if (after !== undefined) query.set('after', after);
      const page = await api<{ streams: StreamInfo[]; next: string | null }>(apiKey, `streams?${query}`);
      setStreams((shown) => (after === undefined ? page.streams : [...(shown ?? []), ...page.streams]));
      setNext(page.next);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void search(lastPrefix);
    // Once, on opening the page.
  }, []);

  return (
    <section aria-labelledby="streams-title">
      <h1 id="streams-title" tabIndex={-1}>
        Streams
      </h1>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          lastPrefix = prefix;
          void search(prefix);
        }}
      >
        <label for="prefix">Stream id starts with</label>
        <input
          id="prefix"
          type="search"
          value={prefix}
          placeholder="bank.account-"
          onInput={(event) => {
            setPrefix(event.currentTarget.value);
          }}
        />
        <button type="submit">Search</button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
      {streams && (
        <>
          <p role="status">
            {streams.length === 0
              ? 'No stream matches.'
              : `${streams.length}${next === null ? '' : '+'} stream${streams.length === 1 ? '' : 's'}`}
          </p>
          {streams.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Streams found</caption>
                <thead>
                  <tr>
                    <th scope="col">Stream</th>
                    <th scope="col" class="num">
                      Version
                    </th>
                    <th scope="col" class="num">
                      Last position
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {streams.map((s) => (
                    <tr key={s.streamId}>
                      <td>
                        <a href={hrefOf({ page: 'streams', streamId: s.streamId })}>{s.streamId}</a>
                      </td>
                      <td class="num">{s.version}</td>
                      <td class="num">{formatCount(s.position)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {next !== null && (
            <button type="button" onClick={() => void search(lastPrefix, next)}>
              More streams
            </button>
          )}
        </>
      )}
    </section>
  );
}
