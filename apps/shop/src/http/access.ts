// Who may do what:
//
//   admin                  every command and query: the catalog, stock, every cart and order, reports
//   customer:<customerId>  its own cart and orders (another customer's: 403; an order that is not its
//                          own: 404, word for word as if it did not exist); products: read only
//
// Unknown message types are refused (default deny).
import { ForbiddenError, type Dispatch, type Policy, type Principal } from '@janus/core';
import { customerOfRole } from '../roles.js';
import { orderNotFound } from '../orders/orderQueries.js';

/** Who placed an order: its customerId, or undefined when it does not exist. */
export type OwnerLookup = (orderId: string) => Promise<string | undefined>;

type Caller = { readonly kind: 'admin' } | { readonly kind: 'customer'; readonly id: string };

function callerOf(principal: Principal | null): Caller | undefined {
  const roles = principal?.roles ?? [];
  if (roles.includes('admin')) return { kind: 'admin' };
  for (const role of roles) {
    const id = customerOfRole(role);
    if (id !== undefined) return { kind: 'customer', id };
  }
  return undefined;
}

const field = (dispatch: Dispatch, name: string): string => {
  const value = (dispatch.message.data as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : '';
};

function ownCustomer(caller: { readonly id: string }, dispatch: Dispatch): true {
  const customerId = field(dispatch, 'customerId');
  if (customerId !== caller.id) {
    throw new ForbiddenError(`customer '${caller.id}' may act only for itself, not for '${customerId}'`);
  }
  return true;
}

async function ownOrder(owners: OwnerLookup, customerId: string, orderId: string): Promise<true> {
  if ((await owners(orderId)) !== customerId) throw orderNotFound(orderId);
  return true;
}

/** The command bus's policy. `owners` reads the write side (never behind). */
export function commandPolicy(owners: OwnerLookup): Policy {
  return async (dispatch) => {
    const caller = callerOf(dispatch.message.metadata.principal);
    if (caller?.kind === 'admin') return true;
    if (caller?.kind !== 'customer') return false;
    switch (dispatch.message.type) {
      case 'shop.AddCartItem':
      case 'shop.ChangeCartItemQuantity':
      case 'shop.RemoveCartItem':
      case 'shop.PlaceOrder':
        return ownCustomer(caller, dispatch);
      case 'shop.ChangeOrderItems':
      case 'shop.CancelOrder':
        return ownOrder(owners, caller.id, field(dispatch, 'orderId'));
      default:
        return false;
    }
  };
}

/** The query bus's policy. */
export function queryPolicy(owners: OwnerLookup): Policy {
  return async (dispatch) => {
    const caller = callerOf(dispatch.message.metadata.principal);
    if (caller?.kind === 'admin') return true;
    if (caller?.kind !== 'customer') return false;
    switch (dispatch.message.type) {
      case 'shop.GetProduct':
      case 'shop.ListProducts':
        return true;
      case 'shop.GetCart':
      case 'shop.ListCustomerOrders':
        return ownCustomer(caller, dispatch);
      case 'shop.GetOrder':
        return ownOrder(owners, caller.id, field(dispatch, 'orderId'));
      default:
        return false;
    }
  };
}
