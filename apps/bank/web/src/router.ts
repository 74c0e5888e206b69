// Hash routing (`#/accounts/<id>`): UI paths never reach the server, so they never collide with the API's.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'customer'; readonly customerId: string }
  | { readonly page: 'account'; readonly accountId: string }
  | { readonly page: 'open'; readonly customerId?: string }
  | { readonly page: 'transfer'; readonly fromAccountId?: string }
  | { readonly page: 'alerts' };

/** A path segment decoded; a malformed `%` escape stays as it was typed rather than breaking the page. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The route of a location hash; anything unknown is home. */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodePart);
  const params = new URLSearchParams(search);
  const [first, second] = parts;
  if (first === 'customers' && second !== undefined) return { page: 'customer', customerId: second };
  if (first === 'accounts' && second !== undefined) return { page: 'account', accountId: second };
  if (first === 'open') {
    const customerId = params.get('customer');
    return customerId === null ? { page: 'open' } : { page: 'open', customerId };
  }
  if (first === 'transfer') {
    const from = params.get('from');
    return from === null ? { page: 'transfer' } : { page: 'transfer', fromAccountId: from };
  }
  if (first === 'alerts') return { page: 'alerts' };
  return { page: 'home' };
}

/** The hash of a route, for links. */
export function href(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'customer':
      return `#/customers/${encodeURIComponent(route.customerId)}`;
    case 'account':
      return `#/accounts/${encodeURIComponent(route.accountId)}`;
    case 'open':
      return route.customerId === undefined
        ? '#/open'
        : `#/open?customer=${encodeURIComponent(route.customerId)}`;
    case 'transfer':
      return route.fromAccountId === undefined
        ? '#/transfer'
        : `#/transfer?from=${encodeURIComponent(route.fromAccountId)}`;
    case 'alerts':
      return '#/alerts';
  }
}

export const navigate = (route: Route): void => {
  location.hash = href(route);
};

/** The current route, following the location hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => {
      setRoute(parseRoute(location.hash));
    };
    addEventListener('hashchange', follow);
    return () => {
      removeEventListener('hashchange', follow);
    };
  }, []);
  return route;
}
