import { expect, test } from 'vitest';
import { DomainError, isNotFoundError, notFoundAsError } from './errors.js';

test('a not-found refusal becomes a NotFoundError with its message; other errors stay as they are', () => {
  const missing = notFoundAsError(new DomainError('not-found', "account 'a' does not exist"));
  expect(isNotFoundError(missing) && missing.message).toBe("account 'a' does not exist");
  const other = new DomainError('insufficient-funds');
  expect(notFoundAsError(other)).toBe(other);
});
