import { useEffect, useState } from 'preact/hooks';

/** The page, from the URL's hash: `#/streams`, `#/streams/<id>`, `#/log`, `#/projections`. */
export type Route =
  | { readonly page: 'streams'; readonly streamId?: string }
  | { readonly page: 'log' }
  | { readonly page: 'projections' };

export function parseRoute(hash: string): Route {
  const [page = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'log') return { page: 'log' };
  if (page === 'projections') return { page: 'projections' };
  const id = rest.join('/');
  return id ? { page: 'streams', streamId: decoded(id) } : { page: 'streams' };
}

/** A malformed `%` escape stays as it was typed rather than breaking the page. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export const hrefOf = (route: Route): string =>
  route.page === 'streams' && route.streamId !== undefined
    ? `#/streams/${encodeURIComponent(route.streamId)}`
    : `#/${route.page}`;

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(location.hash));
    };
    addEventListener('hashchange', onChange);
    return () => {
      removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}
