// Monthly statements over HTTP, in three representations chosen by the Accept header: JSON (the default),
// CSV and PDF.
import { query, returns, type MessageOf } from '@janus/core';
import { negotiate, queryRoute } from '@janus/http';
import { z } from 'zod';
import type { BankQueryDeps } from '../accounts/accountQueries.js';
import { accountsView } from '../accounts/accountsView.js';
import { transactionHistory } from '../history/transactionHistory.js';
import { Month, getStatement, type StatementView } from '../statements/monthlyStatement.js';
import { statementCsv } from './statementCsv.js';
import { statementPdf } from '../statements/statementPdf.js';
import { AccountIdParam, StatementAnswer } from './schemas.js';

/** The representations of a statement, JSON first (the default). */
export const STATEMENT_MEDIA_TYPES = ['application/json', 'text/csv', 'application/pdf'] as const;

const FORMATS = { 'application/json': 'json', 'text/csv': 'csv', 'application/pdf': 'pdf' } as const;

export interface RenderedStatement {
  readonly statement: StatementView;
  /** The PDF, when it was asked for: rendering one is asynchronous, so it is made by the query's handler. */
  readonly pdf: Uint8Array | null;
}

/**
 * The statement in the format the client negotiated. A query of the HTTP edge rather than the domain's
 * GetStatement because a PDF is rendered asynchronously, and an HTTP representation is made synchronously
 * from the query's result.
 */
export const RenderStatement = query(
  'bank.RenderStatement',
  z.object({ accountId: z.string(), month: Month, format: z.enum(['json', 'csv', 'pdf']) }),
  returns<RenderedStatement>(),
);

/** The handler of RenderStatement; "now" (for the current month and month-not-started) is the query's time. */
export function renderStatement(deps: BankQueryDeps) {
  return async (message: MessageOf<typeof RenderStatement>): Promise<RenderedStatement> => {
    const { accountId, month, format } = message.data;
    const statement = await getStatement(deps, { accountId, month }, message.metadata.timestamp);
    const pdf =
      format === 'pdf' ? await statementPdf(statement, { generatedAt: message.metadata.timestamp }) : null;
    return { statement, pdf };
  };
}

const attachment = (statement: StatementView, extension: string) => ({
  'content-disposition': `attachment; filename="statement-${statement.accountId}-${statement.month}.${extension}"`,
});

export const statementRoutes = [
  queryRoute({
    url: '/accounts/:accountId/statements/:month',
    query: RenderStatement,
    params: z.object({ accountId: AccountIdParam, month: Month }),
    projections: [accountsView.name, transactionHistory.name],
    tags: ['statements'],
    summary: 'A monthly statement (UTC months): JSON, CSV or PDF by the Accept header',
    description:
      '`Accept: application/json` (the default), `text/csv` (columns occurredAt,kind,description,amount,' +
      'balanceAfter,transactionId) or `application/pdf`. A month that has not started yet is a 422 ' +
      '`month-not-started`; a malformed month is a 400. The current month closes at now.\n\n' +
      'In the CSV, `amount` and `balanceAfter` are plain signed numbers (`-200.00`). Every other cell is ' +
      'text, and a text cell that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, ' +
      'a tab or a carriage return, or with `=`, `+`, `-` or `@` after leading spaces or quotes) is ' +
      "prefixed with a single quote (`'=1+2`), which spreadsheets show as text (OWASP CSV injection). " +
      'The JSON and the PDF carry the description unchanged. Cells holding a comma, a semicolon, a tab, ' +
      'a quote or a line break, or spaces at either end, are quoted as RFC 4180 says.',
    response: StatementAnswer,
    errors: ['month-not-started'],
    toData: ({ params, request }) => {
      const mediaType = negotiate(request.headers.accept, STATEMENT_MEDIA_TYPES) ?? 'application/json';
      const format = FORMATS[mediaType as keyof typeof FORMATS];
      return { accountId: params.accountId, month: params.month, format };
    },
    toResponse: (rendered) => ({ body: rendered.statement }),
    produces: {
      'text/csv': ({ statement }) => ({
        body: statementCsv(statement),
        headers: attachment(statement, 'csv'),
      }),
      'application/pdf': ({ statement, pdf }) => {
        if (!pdf) throw new Error('the PDF was not rendered');
        return { body: pdf, headers: attachment(statement, 'pdf') };
      },
    },
  }),
];
