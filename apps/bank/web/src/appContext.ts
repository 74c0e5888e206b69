// What every screen shares: who is signed in (and so what it may do), and a revision that moves after each
// command, so that every screen asks again (with X-Min-Position: it sees the command's effect at once).
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { query } from './api';

/** GET /session. */
export interface Session {
  readonly role: 'teller' | 'auditor' | 'customer';
  readonly customerId?: string;
}

/** What a role may do (the service decides; the UI hides what would only be refused). */
export const may = {
  /** Open accounts, deposit, withdraw, transfer: a customer only on its own accounts (it sees no others). */
  command: (s: Session) => s.role !== 'auditor',
  openAccountFor: (s: Session, customerId: string) =>
    s.role === 'teller' || (s.role === 'customer' && s.customerId === customerId),
  lookUpCustomers: (s: Session) => s.role !== 'customer',
  seeFraudAlerts: (s: Session) => s.role !== 'customer',
  useConsole: (s: Session) => s.role === 'teller',
};

export interface App {
  readonly session: Session;
  /** Moves after every command. */
  readonly revision: number;
  /** After a command: refresh every screen and announce `message` to screen readers. */
  readonly changed: (message: string) => void;
}

export const AppContext = createContext<App | null>(null);

export function useApp(): App {
  const app = useContext(AppContext);
  if (app === null) throw new Error('useApp outside of the signed-in app');
  return app;
}

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly loading: boolean;
}

/** A query's answer, asked again when the path changes or a command was made; null asks nothing. */
export function useQuery<T>(path: string | null, refreshMs?: number): Loaded<T> {
  const { revision } = useApp();
  // A list that changes without a command of this session's (refusals carry no position) asks again now and then.
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (refreshMs === undefined || path === null) return;
    const timer = setInterval(() => {
      setTick((t) => t + 1);
    }, refreshMs);
    return () => {
      clearInterval(timer);
    };
  }, [path, refreshMs]);
  const [state, setState] = useState<Loaded<T> & { readonly path: string | null }>({
    path,
    loading: path !== null,
  });
  useEffect(() => {
    if (path === null) {
      setState({ path, loading: false });
      return;
    }
    let current = true;
    // Keep what is shown while asking again after a command: no flash of an empty screen.
    setState((previous) =>
      previous.path === path ? { ...previous, loading: true } : { path, loading: true },
    );
    query<T>(path).then(
      (data) => {
        if (current) setState({ path, data, loading: false });
      },
      (error: unknown) => {
        if (current) setState({ path, error, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [path, revision, tick]);
  // Another path's answer is not this one's, even for the render before the effect runs.
  return state.path === path ? state : { loading: path !== null };
}
