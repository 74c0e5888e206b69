// The life of a form that sends a command: validation shown once the user tried, one request at a time,
// the service's error kept for display, and an idempotency key per attempt.
import { useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from './api';

export interface Submit {
  /** The user tried to submit: show every field's error, even of fields not typed in. */
  readonly attempted: boolean;
  readonly pending: boolean;
  readonly error: unknown;
  /** Sends when `valid`; `send` gets the attempt's idempotency key. */
  submit(valid: boolean, send: (idempotencyKey: string) => Promise<void>): Promise<void>;
  reset(): void;
}

export function useSubmit(): Submit {
  const [attempted, setAttempted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const key = useRef(newIdempotencyKey());
  // Set at once (state is set on the next render): a second Enter in the same moment sends nothing.
  const busy = useRef(false);
  return {
    attempted,
    pending,
    error,
    async submit(valid, send) {
      setAttempted(true);
      if (!valid || busy.current) return;
      busy.current = true;
      setPending(true);
      setError(undefined);
      try {
        await send(key.current);
        setAttempted(false);
        key.current = newIdempotencyKey();
      } catch (failure: unknown) {
        setError(failure);
        // The service answered (a refusal is kept with its key): a new attempt, maybe with other values,
        // needs a new key. Without an answer, a retry keeps the key, so it cannot apply twice.
        if (failure instanceof ApiError) key.current = newIdempotencyKey();
      } finally {
        busy.current = false;
        setPending(false);
      }
    },
    reset() {
      setAttempted(false);
      setError(undefined);
    },
  };
}
