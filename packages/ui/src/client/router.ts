/**
 * Hash routes, so the page works under any base path and every view has a link:
 *   #/                              categories (and every stream)
 *   #/streams/<category>?search=    a category's streams
 *   #/streams/<category>/<id>?from= a stream's events (from a version)
 *   #/events/<eventId>              one event
 *   #/log  #/consumers  #/outbox?status=dead
 * A tenant other than the store's own rides along as ?tenant=.
 */

export type Route =
  | { readonly view: 'streams'; readonly tenant?: string; readonly category?: string; readonly search?: string }
  | {
      readonly view: 'stream';
      readonly tenant?: string;
      readonly category: string;
      readonly id: string;
      readonly from?: number;
    }
  | { readonly view: 'event'; readonly eventId: string }
  | { readonly view: 'log' }
  | { readonly view: 'consumers' }
  | { readonly view: 'outbox'; readonly status: 'pending' | 'dead' }
  | { readonly view: 'missing'; readonly hash: string };

export function parseRoute(hash: string): Route {
  const [path = '', queryString = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(queryString);
  const segments = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
  const tenant = query.get('tenant') ?? undefined;
  const [head, first, second] = segments;
  switch (head) {
    case undefined:
      return { view: 'streams', tenant };
    case 'streams':
      if (second !== undefined && first !== undefined) {
        const from = Number(query.get('from'));
        return { view: 'stream', tenant, category: first, id: second, from: from > 0 ? from : undefined };
      }
      return { view: 'streams', tenant, category: first, search: query.get('search') ?? undefined };
    case 'events':
      if (first !== undefined) return { view: 'event', eventId: first };
      break;
    case 'log':
      return { view: 'log' };
    case 'consumers':
      return { view: 'consumers' };
    case 'outbox':
      return { view: 'outbox', status: query.get('status') === 'dead' ? 'dead' : 'pending' };
  }
  return { view: 'missing', hash };
}

/** The link of a route (parseRoute's inverse). */
export function href(route: Route): string {
  const query = new URLSearchParams();
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') query.set(name, String(value));
  };
  let path: string;
  switch (route.view) {
    case 'streams':
      path = route.category === undefined ? '/' : `/streams/${encodeURIComponent(route.category)}`;
      set('search', route.search);
      set('tenant', route.tenant);
      break;
    case 'stream':
      path = `/streams/${encodeURIComponent(route.category)}/${encodeURIComponent(route.id)}`;
      set('from', route.from);
      set('tenant', route.tenant);
      break;
    case 'event':
      path = `/events/${encodeURIComponent(route.eventId)}`;
      break;
    case 'outbox':
      path = '/outbox';
      if (route.status === 'dead') set('status', 'dead');
      break;
    case 'missing':
      return route.hash;
    default:
      path = `/${route.view}`;
  }
  const search = query.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}
