/** What every view is given: the server's meta, and the hooks of the view's lifetime. */
import type { MetaResponse, StreamKeyJson } from '../api/contract.js';
import { href, type Route } from './router.js';

export interface ViewContext {
  readonly meta: MetaResponse;
  /** Aborted when the viewer leaves the view: requests in flight stop with it. */
  readonly signal: AbortSignal;
  /** Runs when the viewer leaves the view (close a live connection, stop polling). */
  onLeave(cleanup: () => void): void;
  /** Renders the view again (after an action changed what it shows). */
  refresh(): void;
}

/** A view: what the page shows for a route of its kind, once its data has come. */
export type View<V extends Route['view']> = (
  route: Extract<Route, { view: V }>,
  context: ViewContext,
) => Promise<HTMLElement>;

/** The tenant a route carries: only one other than the store's own. */
export function routeTenant(meta: MetaResponse, tenant: string): string | undefined {
  return tenant === meta.tenant ? undefined : tenant;
}

export function streamHref(meta: MetaResponse, stream: StreamKeyJson, from?: number): string {
  return href({
    view: 'stream',
    tenant: routeTenant(meta, stream.tenant),
    category: stream.category,
    id: stream.id,
    from,
  });
}

export function categoryHref(meta: MetaResponse, tenant: string, category: string): string {
  return href({ view: 'streams', tenant: routeTenant(meta, tenant), category });
}

export function eventHref(eventId: string): string {
  return href({ view: 'event', eventId });
}
