import { describe, expect, test } from 'vitest';
import { negotiate } from './negotiate.js';

const available = ['application/json', 'text/csv', 'application/pdf'];

describe('negotiate', () => {
  test.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['text/csv', 'text/csv'],
    ['TEXT/CSV; charset=utf-8', 'text/csv'],
    ['application/pdf, */*;q=0.1', 'application/pdf'],
    ['text/*', 'text/csv'],
    ['application/*', 'application/json'],
    ['text/csv;q=0.4, application/json;q=0.5', 'application/json'],
    ['text/csv;q=0.5, application/json;q=0.5', 'application/json'],
    ['application/json;q=0, */*', 'text/csv'],
    ['image/png', undefined],
    ['text/csv;q=0', undefined],
    ['garbage', undefined],
    ['text/csv;q=2', undefined],
  ])('Accept %j gives %j', (accept, expected) => {
    expect(negotiate(accept, available)).toBe(expected);
  });

  test('a more specific range wins over a wildcard, whatever their order', () => {
    expect(negotiate('*/*;q=1, text/csv;q=0', available)).toBe('application/json');
    expect(negotiate('text/csv;q=0, */*;q=1', ['text/csv'])).toBeUndefined();
  });
});
