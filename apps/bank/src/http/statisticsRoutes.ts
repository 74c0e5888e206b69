// An account's statistics over HTTP.
import { queryRoute } from '@janus/http';
import { z } from 'zod';
import { accountsView } from '../accounts/accountsView.js';
import { QueryInstant } from '../accounts/fields.js';
import { transactionHistory } from '../history/transactionHistory.js';
import { GetStatistics } from '../statistics/accountStatistics.js';
import { AccountPath, StatisticsAnswer } from './schemas.js';

export const statisticsRoutes = [
  queryRoute({
    url: '/accounts/:accountId/statistics',
    query: GetStatistics,
    params: AccountPath,
    querystring: z
      .strictObject({ from: QueryInstant.optional(), to: QueryInstant.optional() })
      .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) <= Date.parse(r.to), {
        path: ['to'],
        error: 'must not be before from',
      }),
    projections: [accountsView.name, transactionHistory.name],
    tags: ['history'],
    summary: "An account's statistics over [from, to)",
    description:
      'Either bound is optional (default: all time). Totals are positive; netFlow is signed; the opening ' +
      'deposit counts in no total but is an item for minBalance, maxBalance and largestTransaction.',
    response: StatisticsAnswer,
    toData: ({ params, query }) => ({ accountId: params.accountId, from: query.from, to: query.to }),
  }),
];
