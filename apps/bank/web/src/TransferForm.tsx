// Transfers: from an account page (from that account) or from the Transfer page (choose both accounts).
import { useState } from 'preact/hooks';
import { command } from './api';
import { may, useApp, useQuery } from './appContext';
import { accountIdError, descriptionError } from './fields';
import { ErrorMessage, SelectField, TextField } from './Field';
import { formatAccountType } from './format';
import { amountError, formatMoney } from './money';
import { summaryPath } from './paths';
import { href } from './router';
import { useSubmit } from './useSubmit';

interface SummaryAccounts {
  readonly accounts: readonly {
    readonly accountId: string;
    readonly type: string;
    readonly currency: string;
    readonly balance: string;
    readonly status: string;
  }[];
}

const OTHER = '';

/** The Transfer page. A customer picks one of its own accounts to send from; a teller names any. */
export function TransferPage({ fromAccountId }: { readonly fromAccountId?: string | undefined }) {
  const { session } = useApp();
  if (!may.command(session)) {
    return (
      <>
        <h1>Transfer</h1>
        <p>Your key’s role may not move money.</p>
      </>
    );
  }
  return (
    <>
      <h1>Transfer</h1>
      <TransferForm fromAccountId={fromAccountId} customerId={session.customerId} />
    </>
  );
}

export function TransferForm(props: {
  /** Fixed when the form is on that account's page. */
  readonly fromAccountId?: string | undefined;
  readonly currency?: string;
  /** Whose accounts to offer as the source (a customer's own) and as destinations. */
  readonly customerId?: string | undefined;
}) {
  const { session, changed } = useApp();
  const fixedFrom = props.currency !== undefined && props.fromAccountId !== undefined;
  const own = useQuery<SummaryAccounts>(
    props.customerId === undefined ? null : summaryPath(props.customerId),
  );
  const accounts = (own.data?.accounts ?? []).filter((a) => a.status === 'open');
  const [from, setFrom] = useState(props.fromAccountId ?? '');
  const [typedTo, setTypedTo] = useState('');
  // The destination chosen in the list (null: not yet, the first offered; OTHER: typed in).
  const [toChoice, setToChoice] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const form = useSubmit();
  // A customer sends from its own accounts: offer them (the first one until another is chosen).
  const chooseFrom = !fixedFrom && session.role === 'customer';
  const source = chooseFrom && from === '' ? (accounts[0]?.accountId ?? '') : from;
  const others = accounts.filter((a) => a.accountId !== source);
  // A choice that became the source is no choice; an id typed before the list arrived stays chosen.
  const chosen = toChoice === OTHER || others.some((a) => a.accountId === toChoice) ? toChoice : null;
  const pick = chosen ?? (typedTo === '' ? (others[0]?.accountId ?? OTHER) : OTHER);
  const to = pick === OTHER ? typedTo : pick;
  const currency = props.currency ?? accounts.find((a) => a.accountId === source)?.currency;
  const errors = {
    from: accountIdError(source),
    to:
      accountIdError(to) ??
      (to !== '' && to === source ? 'Choose another account than the source.' : undefined),
    amount: amountError(amount),
    description: descriptionError(description),
  };
  const valid = Object.values(errors).every((e) => e === undefined);

  const send = (idempotencyKey: string) =>
    command(
      '/transfers',
      {
        fromAccountId: source,
        toAccountId: to,
        amount: amount.trim(),
        ...(description === '' ? {} : { description }),
      },
      idempotencyKey,
    ).then(() => {
      changed(`Transferred ${formatMoney(amount.trim())}${currency === undefined ? '' : ` ${currency}`}.`);
      setAmount('');
      setDescription('');
    });

  return (
    <form
      class="panel"
      aria-label="Transfer"
      aria-busy={form.pending}
      onSubmit={(event) => {
        event.preventDefault();
        void form.submit(valid, send);
      }}
    >
      {fixedFrom ? <h2>Transfer</h2> : null}
      {fixedFrom ? null : chooseFrom ? (
        <SelectField
          label="From account"
          name="fromAccountId"
          value={source}
          onChange={setFrom}
          options={accounts.map((a) => ({
            value: a.accountId,
            label: `${formatAccountType(a.type)} ${a.accountId} (${formatMoney(a.balance)} ${a.currency})`,
          }))}
        />
      ) : (
        <TextField
          label="From account id"
          name="fromAccountId"
          value={from}
          onInput={setFrom}
          error={errors.from}
          showError={form.attempted || from !== ''}
        />
      )}
      {others.length === 0 ? null : (
        <SelectField
          label="To account"
          name="toAccount"
          value={pick}
          onChange={setToChoice}
          options={[
            ...others.map((a) => ({
              value: a.accountId,
              label: `${formatAccountType(a.type)} ${a.accountId} (${a.currency})`,
            })),
            { value: OTHER, label: 'Another account (enter its id)' },
          ]}
        />
      )}
      {pick === OTHER ? (
        <TextField
          label="To account id"
          name="toAccountId"
          hint="Any account of the same currency."
          value={typedTo}
          onInput={setTypedTo}
          error={errors.to}
          showError={form.attempted || typedTo !== ''}
        />
      ) : null}
      <TextField
        label={currency === undefined ? 'Amount' : `Amount (${currency})`}
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
        Transfer
      </button>
      {chooseFrom && !own.loading && accounts.length === 0 ? (
        <p>
          You have no open account to send from. <a href={href({ page: 'open' })}>Open an account</a>.
        </p>
      ) : null}
    </form>
  );
}
