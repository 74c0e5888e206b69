import { useEffect, useRef, useState } from 'preact/hooks';
import { postJson, type ProjectionStatus } from './api.js';
import { formatCount } from './format.js';
import type { Action } from './Projections.js';

/**
 * Confirms skipping the poison event a stopped projection is stuck at. A modal <dialog>: the browser keeps
 * the focus inside it and Escape cancels; the focus goes back to where it was when it closes.
 */
export function SkipDialog({
  apiKey,
  projection,
  onClose,
}: {
  apiKey: string;
  projection: ProjectionStatus;
  /** With the skip's answer when the event was skipped. */
  onClose: (done?: Action) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const failure = projection.failure;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.showModal();
    return () => {
      opener?.focus();
    };
  }, []);
  if (!failure) return null;

  const skip = async () => {
    if (reason.trim() === '') {
      setError('Say why the event is skipped: the reason is kept with the skip.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const answer = await postJson<{ action: number; projection: ProjectionStatus }>(
        apiKey,
        `projections/${encodeURIComponent(projection.name)}/skip`,
        { position: failure.position, reason: reason.trim() },
      );
      onClose({ kind: 'skip', action: answer.action, status: answer.projection });
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby="skip-title"
      aria-describedby="skip-what"
      onClose={() => {
        onClose();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          void skip();
        }}
      >
        <h2 id="skip-title">Skip a poison event?</h2>
        <p id="skip-what">
          <strong>{projection.name}</strong> is stopped at position {formatCount(failure.position)} (
          {failure.eventType}): {failure.message}. Skipping leaves this event out of this projection for good
          (until a rebuild of a new version); the skip is recorded with your reason.
        </p>
        <label for="skip-reason">Reason</label>
        <textarea
          id="skip-reason"
          rows={3}
          maxLength={500}
          aria-required="true"
          value={reason}
          aria-invalid={error !== ''}
          aria-describedby="skip-error"
          onInput={(event) => {
            setReason(event.currentTarget.value);
          }}
        />
        <p id="skip-error" class="error" role="alert">
          {error}
        </p>
        <div class="buttons">
          <button type="submit" class="danger" disabled={busy}>
            Skip the event
          </button>
          <button
            type="button"
            onClick={() => {
              dialog.current?.close();
            }}
          >
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
