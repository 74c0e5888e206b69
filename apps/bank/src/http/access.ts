// Who may do what: the contract's role table, as policies on the command bus and on the query bus.
//
//   teller                 every command, every query
//   auditor                no command (403), every query
//   customer:<customerId>  open accounts for itself (else 403); deposit to and withdraw from its own
//                          accounts; transfer from its own accounts to any account; close: 403.
//                          Queries on its own accounts and its own summary; /fraud/alerts: 403.
//   every role             GET /session: who it is (the web UI shows only what the role may do)
//
// A customer naming an account (or a customer) that is not its own gets the very 404 it would get if
// that account did not exist: same slug, same detail. Unknown message types are refused (default deny).
import { ForbiddenError, NotFoundError, type Dispatch, type Policy, type Principal } from '@janus/core';
import { customerOfRole } from '../roles.js';

/** Who owns an account: its customerId, or undefined when it does not exist. */
export type OwnerLookup = (accountId: string) => Promise<string | undefined>;

export type Caller =
  { readonly kind: 'teller' | 'auditor' } | { readonly kind: 'customer'; readonly id: string };

/** The role a principal acts in (the strongest, when it has several); undefined when it has none of the bank's. */
export function callerOf(principal: Principal | null): Caller | undefined {
  const roles = principal?.roles ?? [];
  if (roles.includes('teller')) return { kind: 'teller' };
  if (roles.includes('auditor')) return { kind: 'auditor' };
  for (const role of roles) {
    const id = customerOfRole(role);
    if (id !== undefined) return { kind: 'customer', id };
  }
  return undefined;
}

/** The 404 of an account that does not exist, word for word as the domain says it. */
export const accountNotFound = (accountId: string): NotFoundError =>
  new NotFoundError(`account '${accountId}' does not exist`);

/** The 404 of a customer without accounts, word for word as the domain says it. */
export const customerNotFound = (customerId: string): NotFoundError =>
  new NotFoundError(`customer '${customerId}' has no accounts`);

const field = (dispatch: Dispatch, name: string): string => {
  const value = (dispatch.message.data as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : '';
};

/** Resolves when `customerId` owns the account; else the account's "does not exist" 404. */
async function ownAccount(owners: OwnerLookup, customerId: string, accountId: string): Promise<true> {
  if ((await owners(accountId)) !== customerId) throw accountNotFound(accountId);
  return true;
}

/** The command bus's policy. `owners` reads the write side (never behind). */
export function commandPolicy(owners: OwnerLookup): Policy {
  return async (dispatch) => {
    const caller = callerOf(dispatch.message.metadata.principal);
    if (caller?.kind === 'teller') return true;
    if (caller?.kind !== 'customer') return false;
    switch (dispatch.message.type) {
      case 'bank.OpenAccount':
        if (field(dispatch, 'customerId') !== caller.id) {
          throw new ForbiddenError(`customer '${caller.id}' may open accounts only for itself`);
        }
        return true;
      case 'bank.Deposit':
      case 'bank.Withdraw':
        return ownAccount(owners, caller.id, field(dispatch, 'accountId'));
      case 'bank.Transfer':
        return ownAccount(owners, caller.id, field(dispatch, 'fromAccountId'));
      default:
        return false;
    }
  };
}

/** The query bus's policy. `owners` should read the read model first (what the query itself reads). */
export function queryPolicy(owners: OwnerLookup): Policy {
  return async (dispatch) => {
    const caller = callerOf(dispatch.message.metadata.principal);
    if (caller?.kind === 'teller' || caller?.kind === 'auditor') return true;
    if (caller?.kind !== 'customer') return false;
    switch (dispatch.message.type) {
      case 'bank.GetSession':
        return true;
      case 'bank.GetAccount':
      case 'bank.ListTransactions':
      case 'bank.GetStatistics':
      case 'bank.GetStatement':
      case 'bank.RenderStatement':
        return ownAccount(owners, caller.id, field(dispatch, 'accountId'));
      case 'bank.GetCustomerSummary': {
        const customerId = field(dispatch, 'customerId');
        if (customerId !== caller.id) throw customerNotFound(customerId);
        return true;
      }
      default:
        return false;
    }
  };
}
