/**
 * Dynamic consistency boundaries: reading the events a query matches, in log order. The append
 * condition travels with the append (`AppendRequest.condition`), checked where each backend
 * makes it atomic with the insert.
 */
import type { TenantQuery } from '../dcb/query.js';
import type { LogPage, LogPosition } from './log.js';

/** An append's condition, checked: it fails when an event matching `query` exists after `after`. */
export interface AppendConditionToCheck {
  readonly query: TenantQuery;
  /** Absent: any matching event at all fails it. */
  readonly after?: LogPosition;
}

export interface ReadQueryRequest {
  readonly query: TenantQuery;
  /** Exclusive. */
  readonly after: LogPosition;
  readonly limit: number;
}

export interface TagSession {
  /**
   * The committed events matching the query after `after`, in log order, none skipped (as
   * `readLog`: on PostgreSQL only below the horizon). `next` is the position to read on from,
   * and the `after` of an append condition over what was read: every matching event not returned
   * lies after it.
   */
  readQuery(request: ReadQueryRequest): Promise<LogPage>;
}
