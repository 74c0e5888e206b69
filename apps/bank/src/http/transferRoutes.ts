// Transfers over HTTP.
import { commandRoute, jsonPosition, serverId } from '@janus/http';
import { Transfer, TransferBody } from '../transfers/transferCommands.js';
import { AccountIdParam, TransferAnswer } from './schemas.js';

export const transferRoutes = [
  commandRoute({
    url: '/transfers',
    command: Transfer,
    // The account ids as an id in a path: anything that cannot be an account id is a 400 at once.
    body: TransferBody.safeExtend({ fromAccountId: AccountIdParam, toAccountId: AccountIdParam }),
    status: 201,
    tags: ['transfers'],
    summary: 'Move money between two accounts of the same currency',
    description:
      'Atomic: on 201 both legs are recorded, on any failure neither. Both ids equal: 400. The outgoing leg ' +
      'is screened by the fraud rules (422 `fraud-suspected` with `rule`). A customer may transfer only ' +
      'from its own accounts, to any account.',
    response: TransferAnswer,
    errors: ['insufficient-funds', 'fraud-suspected', 'account-closed', 'currency-mismatch'],
    toData: ({ body, messageId }) => ({ transferId: serverId(messageId, 'transfer'), ...body }),
    toResponse: (result) => ({
      body: { transferId: result.transferId, position: jsonPosition(result.position) },
    }),
  }),
];
