// Who the caller is, for the web UI: it shows only what the key's role may do. Not in the contract; it adds
// a route and changes none.
import { ForbiddenError, query, returns, type MessageOf } from '@janus/core';
import { queryRoute } from '@janus/http';
import { z } from 'zod';
import { callerOf } from './access.js';

export interface Session {
  readonly role: 'teller' | 'auditor' | 'customer';
  /** The customer a `customer:<customerId>` key acts for. */
  readonly customerId?: string;
}

/** A query of the HTTP edge, as RenderStatement is: its answer comes from the request's principal alone. */
export const GetSession = query('bank.GetSession', z.object({}), returns<Session>());

/** The handler of GetSession. */
export function whoIsAsking(message: MessageOf<typeof GetSession>): Session {
  const caller = callerOf(message.metadata.principal);
  // The query policy lets only the bank's roles through: this is a guard, not a path a request takes.
  if (caller === undefined) throw new ForbiddenError('this key has none of the bank roles');
  return caller.kind === 'customer' ? { role: 'customer', customerId: caller.id } : { role: caller.kind };
}

const SessionAnswer = z.object({
  role: z.enum(['teller', 'auditor', 'customer']),
  customerId: z.string().optional().meta({ description: 'Only for the customer role' }),
});

export const sessionRoutes = [
  queryRoute({
    url: '/session',
    query: GetSession,
    // Reads no read model: X-Position is 0 and X-Min-Position never waits.
    projections: [],
    tags: ['session'],
    summary: 'The role of the API key sent (for the web UI)',
    description:
      'Any valid key: `{ "role": "teller" }`, `{ "role": "auditor" }` or `{ "role": "customer", ' +
      '"customerId": "alice" }`. No or an unknown key: 401.',
    response: SessionAnswer,
    toData: () => ({}),
  }),
];
