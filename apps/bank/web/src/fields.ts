// Checks of the other fields, the service's rules as the user types.

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function customerIdError(text: string): string | undefined {
  if (text === '') return 'Enter a customer id.';
  return ID.test(text) ? undefined : 'Use 1 to 64 letters, digits, “_” or “-”.';
}

export function accountIdError(text: string): string | undefined {
  if (text === '') return 'Enter an account id.';
  return ID.test(text) ? undefined : 'An account id is 1 to 64 letters, digits, “_” or “-”.';
}

export function currencyError(text: string): string | undefined {
  return /^[A-Z]{3}$/.test(text) ? undefined : 'Use a three-letter ISO 4217 code in capitals, like USD.';
}

/** Descriptions are one line of at most 140 characters. */
export function descriptionError(text: string): string | undefined {
  // Code points, as the service counts them.
  const length = Array.from(text).length;
  if (length > 140) return `At most 140 characters (now ${length}).`;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(text) ? 'Use one line of plain text.' : undefined;
}
