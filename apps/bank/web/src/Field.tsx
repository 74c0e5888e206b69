// Labelled form controls: every input has a label, a hint and its error tied to it for screen readers.
import type { ComponentChildren, InputHTMLAttributes, TargetedInputEvent } from 'preact';
import { useId } from 'preact/hooks';
import { describeError, errorDetails } from './problems';

type TextType = 'text' | 'password' | 'date' | 'month';

interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  /** What is wrong with the value; shown once `showError` (the user typed, or tried to submit). */
  readonly error?: string | undefined;
  readonly showError?: boolean;
  readonly hint?: string;
  readonly type?: TextType;
  readonly inputMode?: 'text' | 'decimal';
  readonly autoComplete?: string;
  readonly name?: string;
  readonly required?: boolean;
}

export function TextField(props: TextFieldProps) {
  const id = useId();
  const shownError = props.showError === false ? undefined : props.error;
  const described = [
    props.hint === undefined ? '' : `${id}-hint`,
    shownError === undefined ? '' : `${id}-error`,
  ]
    .filter((x) => x !== '')
    .join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint === undefined ? null : (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <Input
        type={props.type ?? 'text'}
        id={id}
        name={props.name}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        value={props.value}
        required={props.required}
        aria-invalid={shownError !== undefined}
        aria-describedby={described === '' ? undefined : described}
        onInput={(event: TargetedInputEvent<HTMLInputElement>) => {
          props.onInput(event.currentTarget.value);
        }}
      />
      {shownError === undefined ? null : (
        <p class="field-error" id={`${id}-error`}>
          {shownError}
        </p>
      )}
    </div>
  );
}

type InputAttributes = Omit<InputHTMLAttributes, 'type' | 'list' | 'role'>;

// Preact types each input type apart (which may have a list, a role): one element per type.
function Input({ type, ...attributes }: InputAttributes & { readonly type: TextType }) {
  switch (type) {
    case 'text':
      return <input type="text" {...attributes} />;
    case 'password':
      return <input type="password" {...attributes} />;
    case 'date':
      return <input type="date" {...attributes} />;
    case 'month':
      return <input type="month" {...attributes} />;
  }
}

interface SelectFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly name?: string;
}

export function SelectField(props: SelectFieldProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(event) => {
          props.onChange(event.currentTarget.value);
        }}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** An error from the service, in plain words, announced at once. */
export function ErrorMessage({ error }: { readonly error: unknown }) {
  const details = errorDetails(error);
  return (
    <div class="error" role="alert">
      <p>{describeError(error)}</p>
      {details.map((d) => (
        <p key={d} class="detail">
          {d}
        </p>
      ))}
    </div>
  );
}

/** A titled section of a page. */
export function Panel({ title, children }: { readonly title: string; readonly children: ComponentChildren }) {
  const id = useId();
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
