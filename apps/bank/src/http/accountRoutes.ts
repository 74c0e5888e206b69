// Accounts over HTTP: open, deposit, withdraw, close; the account (now or as of an instant); a customer's summary.
import { commandRoute, jsonPosition, queryRoute, serverId } from '@janus/http';
import { z } from 'zod';
import {
  CloseAccount,
  CloseAccountBody,
  Deposit,
  MovementBody,
  OpenAccount,
  OpenAccountBody,
  Withdraw,
} from '../accounts/accountCommands.js';
import { GetAccount, GetCustomerSummary } from '../accounts/accountQueries.js';
import { accountsView } from '../accounts/accountsView.js';
import { CustomerId, QueryInstant } from '../accounts/fields.js';
import {
  AccountAnswer,
  AccountPath,
  OpenedAnswer,
  PositionAnswer,
  SummaryAnswer,
  TransactionAnswer,
} from './schemas.js';

const tags = ['accounts'];

export const accountRoutes = [
  commandRoute({
    url: '/accounts',
    command: OpenAccount,
    body: OpenAccountBody,
    status: 201,
    tags,
    summary: 'Open an account',
    description:
      'The server makes the account id. `initialDeposit` defaults to "0" (then there is no opening_deposit ' +
      'item); `currency` defaults to USD and is fixed for the life of the account. A customer may open ' +
      'accounts only for itself (else 403). Answers `Location: /accounts/<accountId>`.',
    response: OpenedAnswer,
    toData: ({ body, messageId }) => ({
      accountId: serverId(messageId, 'account'),
      transactionId: serverId(messageId, 'transaction'),
      ...body,
    }),
    toResponse: (result) => ({
      body: { accountId: result.accountId, position: jsonPosition(result.position) },
      headers: { location: `/accounts/${result.accountId}` },
    }),
  }),
  commandRoute({
    url: '/accounts/:accountId/deposits',
    command: Deposit,
    params: AccountPath,
    body: MovementBody,
    status: 201,
    tags,
    summary: 'Deposit money',
    response: TransactionAnswer,
    errors: ['account-closed'],
    toData: ({ params, body, messageId }) => ({
      accountId: params.accountId,
      transactionId: serverId(messageId, 'transaction'),
      ...body,
    }),
    toResponse: (result) => ({
      body: { transactionId: result.transactionId, position: jsonPosition(result.position) },
    }),
  }),
  commandRoute({
    url: '/accounts/:accountId/withdrawals',
    command: Withdraw,
    params: AccountPath,
    body: MovementBody,
    status: 201,
    tags,
    summary: 'Withdraw money',
    description:
      'Screened by the fraud rules first: a refusal is a 422 `fraud-suspected` whose `rule` member names ' +
      'the rule (large-amount, velocity or daily-limit), and is recorded as a fraud alert.',
    response: TransactionAnswer,
    errors: ['insufficient-funds', 'fraud-suspected', 'account-closed'],
    toData: ({ params, body, messageId }) => ({
      accountId: params.accountId,
      transactionId: serverId(messageId, 'transaction'),
      ...body,
    }),
    toResponse: (result) => ({
      body: { transactionId: result.transactionId, position: jsonPosition(result.position) },
    }),
  }),
  commandRoute({
    url: '/accounts/:accountId/close',
    command: CloseAccount,
    params: AccountPath,
    body: CloseAccountBody,
    status: 200,
    tags,
    summary: 'Close an account (its balance must be zero)',
    response: PositionAnswer,
    errors: ['balance-not-zero', 'account-closed'],
    toData: ({ params }) => ({ accountId: params.accountId }),
    toResponse: (result) => ({ body: { position: jsonPosition(result.position) } }),
  }),
  queryRoute({
    url: '/accounts/:accountId',
    query: GetAccount,
    params: AccountPath,
    querystring: z.object({ asOf: QueryInstant.optional() }),
    projections: [accountsView.name],
    tags,
    summary: 'An account, now or as it stood at an instant',
    description:
      'With `asOf` the account is rebuilt from its events up to that instant (404 if it did not exist yet).',
    response: AccountAnswer,
    toData: ({ params, query }) => ({ accountId: params.accountId, asOf: query.asOf }),
  }),
  queryRoute({
    url: '/customers/:customerId/summary',
    query: GetCustomerSummary,
    params: z.object({ customerId: CustomerId }),
    projections: [accountsView.name],
    tags,
    summary: "A customer's accounts and their totals by currency",
    response: SummaryAnswer,
    toData: ({ params }) => ({ customerId: params.customerId }),
  }),
];
