// Who may do what: `writer` sends the commands (tracking, profiles), `reader` asks the queries. Anything
// else is refused (403), default deny.
import type { Policy, Principal } from '@janus/core';

const has = (principal: Principal | null, role: string): boolean => principal?.roles.includes(role) ?? false;

export const commandPolicy: Policy = (dispatch) => has(dispatch.message.metadata.principal, 'writer');

export const queryPolicy: Policy = (dispatch) => has(dispatch.message.metadata.principal, 'reader');
