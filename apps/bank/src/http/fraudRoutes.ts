// Fraud alerts over HTTP (staff only: a customer gets 403).
import { queryRoute } from '@janus/http';
import { z } from 'zod';
import { ListFraudAlerts, fraudAlertsView } from '../fraud/fraudAlerts.js';
import { AccountIdParam, FraudAlertsAnswer, Limit } from './schemas.js';

export const fraudRoutes = [
  queryRoute({
    url: '/fraud/alerts',
    query: ListFraudAlerts,
    querystring: z.object({ accountId: AccountIdParam.optional(), limit: Limit.optional() }),
    projections: [fraudAlertsView.name],
    tags: ['fraud'],
    summary: 'Refused withdrawals and outgoing transfers, newest first',
    description: 'Tellers and auditors only. `limit` 1-500 (default 50); an unknown account has no alerts.',
    response: FraudAlertsAnswer,
    toData: ({ query }) => ({ accountId: query.accountId, limit: query.limit ?? 50 }),
  }),
];
