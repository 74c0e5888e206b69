// Open an account: for the customer itself, or (a teller) for any customer. Then its page opens.
import { useState } from 'preact/hooks';
import { command } from './api';
import { may, useApp } from './appContext';
import { currencyError, customerIdError } from './fields';
import { ErrorMessage, SelectField, TextField } from './Field';
import { formatAccountType } from './format';
import { amountError, formatMoney } from './money';
import { navigate } from './router';
import { useSubmit } from './useSubmit';

export function OpenAccountForm({ customerId: initial }: { readonly customerId: string }) {
  const { session, changed } = useApp();
  const ownOnly = session.role === 'customer';
  const [customerId, setCustomerId] = useState(ownOnly ? (session.customerId ?? '') : initial);
  const [type, setType] = useState<'checking' | 'savings'>('checking');
  const [initialDeposit, setInitialDeposit] = useState('');
  const [currency, setCurrency] = useState('USD');
  const form = useSubmit();
  const errors = {
    customerId: customerIdError(customerId),
    initialDeposit: initialDeposit.trim() === '' ? undefined : amountError(initialDeposit),
    currency: currencyError(currency),
  };
  const valid = Object.values(errors).every((e) => e === undefined);

  if (!may.command(session)) {
    return (
      <>
        <h1>Open an account</h1>
        <p>Your key’s role may not open accounts.</p>
      </>
    );
  }

  const send = async (idempotencyKey: string) => {
    const deposit = initialDeposit.trim();
    const answer = await command<{ accountId: string; position: number | string }>(
      '/accounts',
      { customerId, type, currency, ...(deposit === '' ? {} : { initialDeposit: deposit }) },
      idempotencyKey,
    );
    changed(
      `Opened a ${type} account for ${customerId}${deposit === '' ? '' : ` with ${formatMoney(deposit)} ${currency}`}.`,
    );
    navigate({ page: 'account', accountId: answer.accountId });
  };

  return (
    <>
      <h1>Open an account</h1>
      <form
        class="panel"
        aria-label="Open an account"
        aria-busy={form.pending}
        onSubmit={(event) => {
          event.preventDefault();
          void form.submit(valid, send);
        }}
      >
        {ownOnly ? (
          <p>
            For <strong>{customerId}</strong> (you).
          </p>
        ) : (
          <TextField
            label="Customer id"
            name="customerId"
            value={customerId}
            onInput={setCustomerId}
            error={errors.customerId}
            showError={form.attempted || customerId !== ''}
          />
        )}
        <SelectField
          label="Type"
          name="type"
          value={type}
          onChange={(value) => {
            setType(value === 'savings' ? 'savings' : 'checking');
          }}
          options={(['checking', 'savings'] as const).map((t) => ({ value: t, label: formatAccountType(t) }))}
        />
        <TextField
          label="Initial deposit (optional)"
          name="initialDeposit"
          inputMode="decimal"
          value={initialDeposit}
          onInput={setInitialDeposit}
          error={errors.initialDeposit}
        />
        <TextField
          label="Currency"
          name="currency"
          hint="Fixed for the life of the account."
          value={currency}
          onInput={(value) => {
            setCurrency(value.toUpperCase());
          }}
          error={errors.currency}
        />
        {form.error === undefined ? null : <ErrorMessage error={form.error} />}
        <button type="submit" aria-disabled={form.pending}>
          Open the account
        </button>
      </form>
    </>
  );
}
