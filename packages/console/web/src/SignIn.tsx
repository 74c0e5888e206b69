import { useState } from 'preact/hooks';

export function SignIn({ onSignIn, notice }: { onSignIn: (key: string) => Promise<void>; notice: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(notice);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <h1>Janus admin console</h1>
      <p>Streams, the global log and projections of this service. Sign in with an operator's API key.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim() === '') {
            setError('Type your API key.');
            return;
          }
          setBusy(true);
          setError('');
          onSignIn(key.trim())
            .catch((e: unknown) => {
              setError((e as Error).message);
            })
            .finally(() => {
              setBusy(false);
            });
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          value={key}
          aria-invalid={error !== ''}
          aria-describedby="sign-in-error"
          onInput={(event) => {
            setKey(event.currentTarget.value);
          }}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p id="sign-in-error" class="error" role="alert">
          {error}
        </p>
      </form>
      <p class="hint">The key stays in this browser tab only (session storage), never in an address.</p>
    </main>
  );
}
