import { describe, expect, test } from 'vitest';
import { monthlyStatement } from '../statements/monthlyStatement.js';
import { NOW, account, item, items } from '../testing/statementFixtures.js';
import { STATEMENT_CSV_HEADER, statementCsv } from './statementCsv.js';

describe('CSV', () => {
  test('a header line, then one properly quoted line per transaction', () => {
    expect(statementCsv(monthlyStatement(account, items, '2026-11', NOW))).toBe(
      `${STATEMENT_CSV_HEADER}\n` +
        '2026-11-01T00:00:00.000Z,withdrawal,"rent, ""November""",-30.00,120.00,t-3\n' +
        '2026-11-30T23:59:59.999Z,transfer_in,transfer_in,20.00,140.00,t-4\n',
    );
    expect(STATEMENT_CSV_HEADER).toBe('occurredAt,kind,description,amount,balanceAfter,transactionId');
  });

  test('a description a spreadsheet would run as a formula is text; signed amounts stay numbers', () => {
    const hostile = [
      {
        ...item('transfer_in', '20', '20', '2026-08-01T00:00:00.000Z', "=cmd|' /C calc'!A0"),
        transactionId: 'h-1',
      },
      { ...item('transfer_out', '-5', '15', '2026-08-02T00:00:00.000Z', '-2+3;=1+2'), transactionId: 'h-2' },
    ];
    expect(statementCsv(monthlyStatement(account, hostile, '2026-08', NOW))).toBe(
      `${STATEMENT_CSV_HEADER}\n` +
        "2026-08-01T00:00:00.000Z,transfer_in,'=cmd|' /C calc'!A0,20.00,20.00,h-1\n" +
        `2026-08-02T00:00:00.000Z,transfer_out,"'-2+3;=1+2",-5.00,15.00,h-2\n`,
    );
  });

  test('an empty month is the header alone', () => {
    expect(statementCsv(monthlyStatement(account, items, '2026-09', NOW))).toBe(`${STATEMENT_CSV_HEADER}\n`);
  });
});
