// An account's transactions over HTTP.
import { PageCursor, queryRoute } from '@janus/http';
import { z } from 'zod';
import { accountsView } from '../accounts/accountsView.js';
import { ListTransactions } from '../history/listTransactions.js';
import { transactionHistory } from '../history/transactionHistory.js';
import { AccountPath, Limit, TransactionPageAnswer } from './schemas.js';

export const historyRoutes = [
  queryRoute({
    url: '/accounts/:accountId/transactions',
    query: ListTransactions,
    params: AccountPath,
    querystring: z.object({
      limit: Limit.optional(),
      cursor: PageCursor.optional(),
    }),
    projections: [accountsView.name, transactionHistory.name],
    tags: ['history'],
    summary: "An account's transactions, newest first, a page at a time",
    description:
      '`limit` 1-500 (default 50). Pass `nextCursor` as `cursor` for the next (older) page; it is null on ' +
      'the last page. Amounts are signed; `balanceAfter` is the running sum.',
    response: TransactionPageAnswer,
    toData: ({ params, query }) => ({
      accountId: params.accountId,
      limit: query.limit ?? 50,
      cursor: query.cursor,
    }),
  }),
];
