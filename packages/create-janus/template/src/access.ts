// Who may do what: `admin` sends every command and reads everything (and opens the admin console);
// `reader` reads. Unknown callers and unknown messages are refused.
import type { Policy, Principal } from '@janus/core';
import type { Roles } from '@janus/service';

export type Role = 'admin' | 'reader';

export const roles: Roles<Role> = {
  parse: (text) => (text === 'admin' || text === 'reader' ? text : undefined),
  hint: 'a role is admin or reader',
  generated: ['admin', 'reader'],
  variable: 'SERVICE_API_KEYS',
  service: 'the my-service service',
  secretVariable: 'SERVICE_KEY_SECRET',
};

export const isAdmin = (principal: Principal | null): boolean => principal?.roles.includes('admin') ?? false;

export const commandPolicy: Policy = (dispatch) => isAdmin(dispatch.message.metadata.principal);

export const queryPolicy: Policy = (dispatch) => (dispatch.message.metadata.principal?.roles.length ?? 0) > 0;
