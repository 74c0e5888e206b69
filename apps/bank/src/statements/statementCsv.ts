import type { StatementView } from './monthlyStatement.js';

export const STATEMENT_CSV_HEADER = 'occurredAt,kind,description,amount,balanceAfter,transactionId';

/** RFC 4180 quoting: a field with a comma, a quote, a line break or edge spaces is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The statement as CSV (`text/csv`): the header line, then one line per transaction, oldest first. */
export function statementCsv(statement: StatementView): string {
  const lines = statement.transactions.map((t) =>
    [t.occurredAt, t.kind, t.description, t.amount, t.balanceAfter, t.transactionId].map(csvField).join(','),
  );
  return [STATEMENT_CSV_HEADER, ...lines].map((line) => `${line}\n`).join('');
}
