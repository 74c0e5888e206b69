import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  api,
  forgetKey,
  followLive,
  storedKey,
  storeKey,
  type LiveState,
  type LiveStatus,
  type RecordedEvent,
} from './api.js';
import { GlobalLog } from './GlobalLog.js';
import { Projections } from './Projections.js';
import { SignIn } from './SignIn.js';
import { Streams } from './Streams.js';
import { hrefOf, useHashRoute, type Route } from './useHashRoute.js';

/** Events the live tail keeps. */
const TAIL = 200;

interface Session {
  readonly key: string;
  readonly id: string;
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(() => storedKey() !== null);
  const [notice, setNotice] = useState('');

  const signIn = useCallback(async (key: string) => {
    const who = await api<{ id: string }>(key, 'session');
    storeKey(key);
    setSession({ key, id: who.id });
  }, []);
  const signOut = useCallback((reason = '') => {
    forgetKey();
    setSession(null);
    setNotice(reason);
  }, []);

  // A key kept from earlier in this tab (here or in the bank's UI): use it if the console accepts it.
  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    signIn(key)
      .catch((error: unknown) => {
        // A key the console refuses may still serve the bank's UI in this tab: forget only an invalid one.
        if (error instanceof ApiError && error.status === 401) forgetKey();
        setNotice((error as Error).message);
      })
      .finally(() => {
        setChecking(false);
      });
  }, [signIn]);

  if (checking) return <p role="status">Checking your key…</p>;
  if (!session) return <SignIn onSignIn={signIn} notice={notice} />;
  return <Console session={session} onSignOut={signOut} />;
}

function Console({ session, onSignOut }: { session: Session; onSignOut: (reason?: string) => void }) {
  const route = useHashRoute();
  const [tail, setTail] = useState<RecordedEvent[]>([]);
  const [head, setHead] = useState<number | string>(0);
  const [projections, setProjections] = useState<LiveStatus | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const main = useRef<HTMLElement>(null);

  // One live connection for every page: the recent log first, then what commits after it.
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    const add = (events: RecordedEvent[]) => {
      setTail((kept) => {
        const last = kept.at(-1)?.position;
        const fresh = last === undefined ? events : events.filter((e) => BigInt(e.position) > BigInt(last));
        return [...kept, ...fresh].slice(-TAIL);
      });
      const newest = events.at(-1);
      if (newest) setHead(newest.position);
    };
    void api<{ head: number | string; events: RecordedEvent[] }>(session.key, 'log?limit=50')
      .then((recent) => {
        if (cancelled) return;
        setHead(recent.head);
        add(recent.events);
        stop = followLive(session.key, recent.head, {
          onEvents: add,
          onProjections: setProjections,
          onState: setLive,
          onRefused: (error: ApiError) => {
            onSignOut(error.message);
          },
        });
      })
      .catch((error: unknown) => {
        onSignOut((error as Error).message);
      });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [session.key, onSignOut]);

  // A new page (or another stream): move the focus to its heading, so that screen readers announce it.
  const page = hrefOf(route);
  useEffect(() => {
    main.current?.querySelector('h1')?.focus();
  }, [page]);

  const tabs: { route: Route; label: string }[] = [
    { route: { page: 'streams' }, label: 'Streams' },
    { route: { page: 'log' }, label: 'Global log' },
    { route: { page: 'projections' }, label: 'Projections' },
  ];
  return (
    <>
      <header class="top">
        <span class="brand">Janus admin console</span>
        <nav aria-label="Sections">
          <ul>
            {tabs.map((tab) => (
              <li key={tab.label}>
                <a href={hrefOf(tab.route)} aria-current={tab.route.page === route.page ? 'page' : undefined}>
                  {tab.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          <span class={`live live-${live}`} role="status">
            {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>{' '}
          Signed in as <strong>{session.id}</strong>{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              onSignOut();
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main ref={main}>
        {route.page === 'streams' && <Streams apiKey={session.key} streamId={route.streamId} />}
        {route.page === 'log' && <GlobalLog events={tail} head={head} />}
        {route.page === 'projections' && <Projections apiKey={session.key} live={projections} />}
      </main>
    </>
  );
}
