import { describe, expect, test } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  test('aligns columns under a header, two spaces apart, numbers to the right, no trailing spaces', () => {
    const text = formatTable(
      [{ header: 'STREAM' }, { header: 'VERSION', align: 'right' }, { header: 'NOTE' }],
      [
        ['account-1', '3', 'ok'],
        ['a', '12345678', ''],
      ],
    );
    expect(text).toBe(
      ['STREAM      VERSION  NOTE', 'account-1         3  ok', 'a          12345678', ''].join('\n'),
    );
  });

  test('a table without rows is its header; missing cells are empty', () => {
    expect(formatTable([{ header: 'A' }, { header: 'B' }], [])).toBe('A  B\n');
    expect(formatTable([{ header: 'A' }, { header: 'B' }], [['x']])).toBe('A  B\nx\n');
  });
});
