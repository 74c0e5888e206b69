// Deposit or withdraw, with the amount checked as it is typed and the service's refusal in plain words.
import { useState } from 'preact/hooks';
import { command } from './api';
import { accountPath } from './paths';
import { useApp } from './appContext';
import { descriptionError } from './fields';
import { ErrorMessage, TextField } from './Field';
import { amountError, formatMoney } from './money';
import { useSubmit } from './useSubmit';

const WORDS = {
  deposit: { title: 'Deposit', path: '/deposits', done: 'Deposited' },
  withdrawal: { title: 'Withdraw', path: '/withdrawals', done: 'Withdrew' },
} as const;

export function MovementForm(props: {
  readonly accountId: string;
  readonly kind: 'deposit' | 'withdrawal';
  readonly currency: string;
}) {
  const { changed } = useApp();
  const words = WORDS[props.kind];
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const form = useSubmit();
  const errors = { amount: amountError(amount), description: descriptionError(description) };
  const valid = errors.amount === undefined && errors.description === undefined;

  const send = (idempotencyKey: string) =>
    command(
      accountPath(props.accountId, words.path),
      { amount: amount.trim(), ...(description === '' ? {} : { description }) },
      idempotencyKey,
    ).then(() => {
      changed(`${words.done} ${formatMoney(amount.trim())} ${props.currency}.`);
      setAmount('');
      setDescription('');
    });

  return (
    <form
      class="panel"
      aria-label={words.title}
      aria-busy={form.pending}
      onSubmit={(event) => {
        event.preventDefault();
        void form.submit(valid, send);
      }}
    >
      <h2>{words.title}</h2>
      <TextField
        label={`Amount (${props.currency})`}
        name="amount"
        inputMode="decimal"
        value={amount}
        onInput={setAmount}
        error={errors.amount}
        showError={form.attempted || amount !== ''}
      />
      <TextField
        label="Description (optional)"
        name="description"
        value={description}
        onInput={setDescription}
        error={errors.description}
      />
      {form.error === undefined ? null : <ErrorMessage error={form.error} />}
      <button type="submit" aria-disabled={form.pending}>
        {words.title}
      </button>
    </form>
  );
}
