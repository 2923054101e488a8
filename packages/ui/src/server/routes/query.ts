import { badRequest } from '../http/errors.js';
import type { AnyStore } from '../operator/application.js';

/** A request's query parameters, checked as the routes read them. */
export class Query {
  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw badRequest(`${name} is required`);
    return value;
  }

  /** An integer in [min, max]; `fallback` when absent. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw badRequest(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(text)}`);
    }
    return value;
  }

  /** An opaque cursor of a keyset page: the JSON of the last row's key. */
  cursor<T extends string[]>(name: string, parts: number): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!Array.isArray(value) || value.length !== parts || !value.every((part) => typeof part === 'string')) {
      throw badRequest(`${name} is not a cursor this API gave`);
    }
    return value as T;
  }
}

export const pageCursor = (...parts: string[]) => JSON.stringify(parts);

/**
 * The store a request reads through: `tenant`'s when it names one, else the browser's store with
 * every tenant (`allTenants`) unless that store is scoped to one tenant, whose data is all it shows.
 */
export function tenantScope(store: AnyStore, tenant: string | undefined): { store: AnyStore; allTenants: boolean } {
  if (store.isTenantScoped) {
    if (tenant !== undefined && tenant !== store.tenant) {
      throw badRequest(`this event browser shows tenant ${store.tenant} only`);
    }
    return { store, allTenants: false };
  }
  return tenant === undefined ? { store, allTenants: true } : { store: store.forTenant(tenant), allTenants: false };
}
