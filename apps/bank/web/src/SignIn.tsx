// Sign in with an API key: asked to the service (GET /session) before it is kept in sessionStorage.
import { useState } from 'preact/hooks';
import { query, storeKey } from './api';
import type { Session } from './appContext';
import { ErrorMessage, TextField } from './Field';

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const missing = key.trim() === '' ? 'Paste the API key the bank printed at start-up.' : undefined;

  const signIn = async (event: Event) => {
    event.preventDefault();
    setAttempted(true);
    if (missing !== undefined || pending) return;
    setPending(true);
    setError(undefined);
    try {
      const session = await query<Session>('/session', key.trim());
      storeKey(key.trim());
      onSignedIn(session);
    } catch (failure: unknown) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <h1>Janus Bank</h1>
      <form class="panel" onSubmit={(event) => void signIn(event)} aria-busy={pending}>
        <h2>Sign in</h2>
        <TextField
          label="API key"
          type="password"
          name="apiKey"
          autoComplete="off"
          hint="Kept in this browser tab only, until you sign out or close it."
          value={key}
          onInput={setKey}
          error={missing}
          showError={attempted}
          required
        />
        {error === undefined ? null : <ErrorMessage error={error} />}
        <button type="submit" aria-disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
