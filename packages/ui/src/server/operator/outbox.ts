import { createOutboxRelay } from '@es/core';
import type { AnyRelay, AnyStore } from './application.js';

/**
 * A relay over the store's outbox, every tenant's rows or one tenant's, for its operator methods
 * (status, listing, dead rows) only: it is never started, so it never publishes.
 */
export function operatorRelay(store: AnyStore, tenant: string | undefined): AnyRelay {
  return createOutboxRelay(tenant === undefined ? store : store.forTenant(tenant), {
    publish: async () => {
      throw new Error("an operator's relay never publishes");
    },
  });
}

/** The outboxes an operator looks at: one per tenant scope of the application's relays, or the store's. */
export function outboxScopes(
  store: AnyStore,
  relays: readonly AnyRelay[],
): { tenant: string | undefined; relay: AnyRelay }[] {
  if (relays.length === 0) return [{ tenant: undefined, relay: operatorRelay(store, undefined) }];
  const byTenant = new Map<string | undefined, AnyRelay>();
  for (const relay of relays) if (!byTenant.has(relay.tenant)) byTenant.set(relay.tenant, relay);
  return [...byTenant].map(([tenant, relay]) => ({ tenant, relay }));
}
