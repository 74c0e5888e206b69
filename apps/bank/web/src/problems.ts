// The service's problems in plain words: what went wrong, for a person rather than a program.
import type { ApiError } from './api';

const SENTENCES: Readonly<Record<string, string>> = {
  'insufficient-funds': 'Insufficient funds: the account does not hold enough money for this.',
  'fraud-suspected': 'Refused by the fraud rules',
  'account-closed': 'This account is closed: no money can move in or out of it.',
  'currency-mismatch': 'The two accounts hold different currencies: a transfer needs the same currency.',
  'balance-not-zero': 'Only an account with a zero balance can be closed.',
  'not-found': 'Not found: there is no such account or customer, or it is not yours to see.',
  forbidden: 'Your key’s role may not do this.',
  unauthorized: 'This API key is not valid.',
  'validation-error': 'Some of what was entered is not valid.',
  'concurrency-conflict': 'The account changed at the same moment. Please try again.',
  'idempotency-in-flight': 'This request is still being handled. Please wait a moment.',
  'idempotency-key-reused': 'This form was already sent with other values. Please send it again.',
  'consistency-timeout': 'The service is still catching up with the latest changes. Please try again.',
  'month-not-started': 'That month has not started yet.',
  'payload-too-large': 'What was entered is too large to send.',
  'rate-limited': 'Too many requests in a short time. Please wait a moment and try again.',
  unavailable: 'The service is not available for a moment. Please try again shortly.',
  internal: 'The service failed to answer. Please try again; if it persists, tell the bank.',
};

const RULES: Readonly<Record<string, string>> = {
  'large-amount': 'the amount is larger than one operation may move',
  velocity: 'too many withdrawals and transfers out in a short time',
  'daily-limit': 'it would take the money going out today above the daily limit',
};

/** The sentence for an error from the service (or a network failure). */
export function describeError(error: unknown): string {
  if (!isApiError(error)) return 'The service could not be reached. Check the connection and try again.';
  const sentence = SENTENCES[error.slug] ?? error.problem.title;
  if (error.slug === 'fraud-suspected') {
    const rule = error.problem.rule === undefined ? undefined : RULES[error.problem.rule];
    return rule === undefined ? `${sentence}.` : `${sentence}: ${rule}.`;
  }
  return sentence;
}

/** The service's own words, when they add to the sentence (a validation error's fields, say). */
export function errorDetails(error: unknown): string[] {
  if (!isApiError(error)) return [];
  const fields = (error.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  if (fields.length > 0) return fields;
  return error.problem.detail === undefined ? [] : [error.problem.detail];
}

const isApiError = (error: unknown): error is ApiError =>
  error instanceof Error && error.name === 'ApiError' && 'problem' in error;
