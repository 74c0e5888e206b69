import { csvDecimal, csvText } from '@janus/http';
import type { StatementView } from '../statements/monthlyStatement.js';

export const STATEMENT_CSV_HEADER = 'occurredAt,kind,description,amount,balanceAfter,transactionId';

/**
 * The statement as CSV (`text/csv`): the header line, then one line per transaction, oldest first.
 * `amount` and `balanceAfter` are numbers (`-200.00`); every other cell is text, neutralized when a
 * spreadsheet would run it as a formula (a description comes from whoever sent the money).
 */
export function statementCsv(statement: StatementView): string {
  const lines = statement.transactions.map((t) =>
    [
      csvText(t.occurredAt),
      csvText(t.kind),
      csvText(t.description),
      csvDecimal(t.amount),
      csvDecimal(t.balanceAfter),
      csvText(t.transactionId),
    ].join(','),
  );
  return [STATEMENT_CSV_HEADER, ...lines].map((line) => `${line}\n`).join('');
}
