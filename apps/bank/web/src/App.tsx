// The bank's screens: sign in, then a header with what the key's role may do, and the page of the route.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { forgetKey, query, storedKey, whenUnauthorized } from './api';
import { AccountPage } from './AccountPage';
import { AppContext, may, type App as AppState, type Session } from './appContext';
import { CustomerPage, HomePage } from './CustomerPage';
import { FraudAlerts } from './FraudAlerts';
import { OpenAccountForm } from './OpenAccountForm';
import { href, useRoute, type Route } from './router';
import { SignIn } from './SignIn';
import { TransferPage } from './TransferForm';

export function App() {
  // With a kept key, the session is asked again at load: the role is never taken from storage.
  const [session, setSession] = useState<Session | null | 'checking'>(() =>
    storedKey() === null ? null : 'checking',
  );
  useEffect(() => {
    const signOut = () => {
      forgetKey();
      setSession(null);
    };
    whenUnauthorized(signOut);
    if (storedKey() !== null) {
      query<Session>('/session').then(setSession, signOut);
    }
  }, []);

  if (session === 'checking') return <p role="status">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return (
    <SignedIn
      session={session}
      onSignOut={() => {
        forgetKey();
        setSession(null);
        location.hash = '#/';
      }}
    />
  );
}

function SignedIn({ session, onSignOut }: { readonly session: Session; readonly onSignOut: () => void }) {
  const route = useRoute();
  const [revision, setRevision] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const app = useMemo<AppState>(
    () => ({
      session,
      revision,
      changed: (message) => {
        setRevision((r) => r + 1);
        setAnnouncement(message);
      },
    }),
    [session, revision],
  );
  // A new page: the keyboard (and a screen reader) starts at its content, not at the link that led there.
  const firstRoute = useRef(route);
  useEffect(() => {
    if (route !== firstRoute.current) document.getElementById('main')?.focus();
  }, [route]);

  return (
    <AppContext.Provider value={app}>
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Janus Bank
        </a>
        <nav aria-label="Main">
          <ul>
            <NavLink
              to={{ page: 'home' }}
              current={route}
              label={session.role === 'customer' ? 'My accounts' : 'Customers'}
            />
            {may.command(session) ? (
              <NavLink to={{ page: 'open' }} current={route} label="Open an account" />
            ) : null}
            {may.command(session) ? (
              <NavLink to={{ page: 'transfer' }} current={route} label="Transfer" />
            ) : null}
            {may.seeFraudAlerts(session) ? (
              <NavLink to={{ page: 'alerts' }} current={route} label="Fraud alerts" />
            ) : null}
            {may.useConsole(session) ? (
              <li>
                <a href="/admin/">Admin console</a>
              </li>
            ) : null}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{describeSession(session)}</strong>
          </span>
          <button type="button" class="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <main id="main" tabIndex={-1}>
        <Page route={route} session={session} />
      </main>
    </AppContext.Provider>
  );
}

function Page({ route, session }: { readonly route: Route; readonly session: Session }) {
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'customer':
      return <CustomerPage customerId={route.customerId} />;
    case 'account':
      return <AccountPage accountId={route.accountId} />;
    case 'open':
      return <OpenAccountForm customerId={route.customerId ?? session.customerId ?? ''} />;
    case 'transfer':
      return <TransferPage fromAccountId={route.fromAccountId} />;
    case 'alerts':
      return <FraudAlerts />;
  }
}

function NavLink({
  to,
  current,
  label,
}: {
  readonly to: Route;
  readonly current: Route;
  readonly label: string;
}) {
  const here = to.page === current.page || (to.page === 'home' && current.page === 'customer');
  return (
    <li>
      <a href={href(to)} aria-current={here ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
}

const describeSession = (session: Session): string =>
  session.role === 'customer' ? `customer ${session.customerId ?? ''}` : session.role;

// The hash is the router's: move the focus to the content without changing it.
function skipToMain(event: Event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
