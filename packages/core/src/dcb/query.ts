/**
 * Queries of dynamic consistency boundaries: which events a decision reads, and which events an
 * append condition fails on.
 */
import type { LogPosition } from '../backend/log.js';
import { InvalidArgumentError } from '../errors/index.js';
import { EVENT_TYPE_MAX_LENGTH } from '../events/defineEvent.js';
import { sortTags, validateTags } from './tags.js';

/**
 * Matches an event whose type is one of `types` (any type when left out) and that carries every
 * one of `tags` (no tag needed when left out). An item with neither matches every event.
 */
export interface QueryItem<TType extends string = string> {
  readonly types?: readonly TType[];
  readonly tags?: readonly string[];
}

/** Items OR-ed: an event matches the query when it matches one of them; no item matches every event. */
export type Query<TType extends string = string> = readonly QueryItem<TType>[];

/**
 * The event types a query can return: the union of its items' types when every item names some;
 * any type otherwise (an item without types, or no item at all).
 */
export type QueryEventTypes<Q> = Q extends readonly []
  ? string
  : Q extends readonly (infer I)[]
    ? ItemTypes<I>
    : string;
type ItemTypes<I> = I extends { readonly types: readonly (infer T extends string)[] } ? T : string;

/** An append that must not happen once an event matching `failIfEventsMatch` exists after `after`. */
export interface AppendCondition<TType extends string = string> {
  readonly failIfEventsMatch: Query<TType>;
  /** The `next` of the read the decision was made from; left out: any matching event at all fails it. */
  readonly after?: LogPosition;
}

/** The most items in a query, and the most types or tags in one item (each is bound in SQL). */
export const QUERY_LIMITS = { items: 100, typesPerItem: 100, tagsPerItem: 100 } as const;

/** A query as backends take it: checked, in one tenant, each list sorted. */
export interface TenantQuery {
  readonly tenant: string;
  /** Empty when the query matches every event (no item, or an item with neither types nor tags). */
  readonly items: readonly NormalizedItem[];
}

export interface NormalizedItem {
  /** Absent: any type. */
  readonly types?: readonly string[];
  /** Absent: no tag needed. */
  readonly tags?: readonly string[];
}

/** Whether the query matches every event of its tenant. */
export const matchesAll = (query: TenantQuery): boolean => query.items.length === 0;

/** Checks a caller's query and scopes it to `tenant`; throws before anything is read or written. */
export function normalizeQuery(query: unknown, tenant: string): TenantQuery {
  if (!Array.isArray(query)) throw new InvalidArgumentError('a query is a list of items { types?, tags? }');
  if (query.length > QUERY_LIMITS.items) {
    throw new InvalidArgumentError(`a query has at most ${QUERY_LIMITS.items} items; got ${query.length}`);
  }
  const items: NormalizedItem[] = [];
  for (const item of query) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidArgumentError('a query item is { types?, tags? }');
    }
    const { types, tags } = item as QueryItem;
    const unknownKeys = Object.keys(item).filter((key) => key !== 'types' && key !== 'tags');
    if (unknownKeys.length > 0) {
      throw new InvalidArgumentError(`a query item has only types and tags; got ${unknownKeys.join(', ')}`);
    }
    const normalized: { types?: string[]; tags?: string[] } = {};
    if (types !== undefined) normalized.types = checkTypes(types);
    if (tags !== undefined) {
      // An empty list would read as "no tag" to some and "nothing" to others: it is refused.
      if (!Array.isArray(tags) || tags.length === 0) {
        throw new InvalidArgumentError('tags of a query item must be a list of at least one; leave it out for any');
      }
      if (tags.length > QUERY_LIMITS.tagsPerItem) {
        throw new InvalidArgumentError(`a query item has at most ${QUERY_LIMITS.tagsPerItem} tags`);
      }
      normalized.tags = sortTags(validateTags('query', tags, false));
    }
    // An item with neither matches every event, and so does the whole query.
    if (!normalized.types && !normalized.tags) return { tenant, items: [] };
    items.push(normalized);
  }
  return { tenant, items };
}

function checkTypes(types: unknown): string[] {
  if (!Array.isArray(types) || types.length === 0) {
    throw new InvalidArgumentError('types of a query item must be a list of at least one; leave it out for any');
  }
  if (types.length > QUERY_LIMITS.typesPerItem) {
    throw new InvalidArgumentError(`a query item has at most ${QUERY_LIMITS.typesPerItem} types`);
  }
  for (const type of types) {
    if (typeof type !== 'string' || type.length === 0 || type.length > EVENT_TYPE_MAX_LENGTH) {
      throw new InvalidArgumentError(`an event type in a query is a non-empty string; got ${JSON.stringify(type)}`);
    }
  }
  return [...new Set(types as string[])].sort();
}

/** Whether an event of `type` carrying `tags` matches the query (the memory backend's rule). */
export function queryMatches(query: TenantQuery, tenant: string, type: string, tags: readonly string[]): boolean {
  if (tenant !== query.tenant) return false;
  if (matchesAll(query)) return true;
  return query.items.some(
    (item) =>
      (!item.types || item.types.includes(type)) && (!item.tags || item.tags.every((tag) => tags.includes(tag))),
  );
}

/** The query as a caller wrote it, for error messages. */
export function describeQuery(query: TenantQuery): string {
  if (matchesAll(query)) return 'all events';
  return query.items
    .map((item) => {
      const parts = [
        ...(item.types ? [`types ${item.types.join('|')}`] : []),
        ...(item.tags ? [`tags ${item.tags.join('+')}`] : []),
      ];
      return `(${parts.join(' and ')})`;
    })
    .join(' or ');
}
