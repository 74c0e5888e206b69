// Monthly statements as PDF or CSV. Fetched with the Authorization header and saved from a Blob, so the API
// key never appears in a URL (a plain link could not send it).
import { useState } from 'preact/hooks';
import { download } from './api';
import { ErrorMessage, Panel, TextField } from './Field';
import { currentMonth } from './format';
import { accountPath } from './paths';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const FORMATS = [
  { label: 'Download PDF', accept: 'application/pdf', extension: 'pdf' },
  { label: 'Download CSV', accept: 'text/csv', extension: 'csv' },
] as const;

export function StatementDownloads({ accountId }: { readonly accountId: string }) {
  const [month, setMonth] = useState(currentMonth);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState('');
  const monthError = MONTH.test(month) ? undefined : 'Choose a month (YYYY-MM).';

  const save = async (format: (typeof FORMATS)[number]) => {
    if (monthError !== undefined || pending) return;
    setPending(true);
    setError(undefined);
    setSaved('');
    try {
      const blob = await download(accountPath(accountId, `/statements/${month}`), format.accept);
      const name = `statement-${accountId}-${month}.${format.extension}`;
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      // The browser has taken the file; the object URL is not needed past this turn.
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 0);
      setSaved(`Saved ${name}.`);
    } catch (failure: unknown) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <Panel title="Statements">
      <form
        class="inline-form"
        aria-label="Download a statement"
        onSubmit={(event) => {
          event.preventDefault();
          void save(FORMATS[0]);
        }}
      >
        <TextField
          label="Month"
          type="month"
          name="month"
          value={month}
          onInput={setMonth}
          error={monthError}
        />
        {FORMATS.map((format) => (
          <button
            key={format.extension}
            type={format.extension === 'pdf' ? 'submit' : 'button'}
            class={format.extension === 'pdf' ? undefined : 'secondary'}
            aria-disabled={pending}
            onClick={
              format.extension === 'pdf'
                ? undefined
                : () => {
                    void save(format);
                  }
            }
          >
            {format.label}
          </button>
        ))}
      </form>
      {error === undefined ? null : <ErrorMessage error={error} />}
      <p role="status" class="saved">
        {saved}
      </p>
    </Panel>
  );
}
