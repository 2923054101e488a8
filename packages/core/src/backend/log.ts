/**
 * Reading the global log by position: what consumers, projections and the outbox relay stand on.
 * A reader must never skip an event that commits late, nor read one twice.
 */
import type { StoredEvent } from './streams.js';

/** Where a reader of the global log stands. Ordered by (transactionId, position); on dialects
 * without a transaction horizon transactionId is always 0n and the order is the position. */
export interface LogPosition {
  readonly transactionId: bigint;
  readonly position: bigint;
}

export const LOG_START: LogPosition = Object.freeze({ transactionId: 0n, position: 0n });

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}

export interface LogFilter {
  /** Only this tenant's events; all tenants when absent. */
  readonly tenant?: string;
  readonly categories?: readonly string[];
  readonly types?: readonly string[];
}

export interface ReadLogQuery {
  /** Exclusive: events strictly after this position. */
  readonly after: LogPosition;
  readonly limit: number;
  readonly filter: LogFilter;
}

export interface LogPage {
  /** Committed events after `query.after`, in log order, none skipped: an event that is still
   * being written by an open transaction is held back, and so is everything after it. */
  readonly events: readonly StoredEvent[];
  /** Where the next read continues. It may be past the last returned event when rows were
   * filtered out, never past an event that can still appear. */
  readonly next: LogPosition;
  /**
   * Committed events matching the filter exist beyond what could be returned: an older
   * transaction is still open and holds them back (PostgreSQL). Read again soon rather than
   * idling; a wake-up hint for those events has already been spent.
   */
  readonly heldBack?: boolean;
}

/** The open transaction the database reports as oldest (PostgreSQL): it holds log readers back. */
export interface OldestTransaction {
  readonly pid: number;
  readonly transactionId: bigint;
  readonly ageMs: number;
  readonly state: string;
  readonly query: string;
}

/** Reading the global log, where it ends, and what holds its readers back. */
export interface LogSession {
  readLog(query: ReadLogQuery): Promise<LogPage>;
  /** Where the log ends now: reading after it returns only events committed from now on. */
  logHead(): Promise<LogPosition>;
  /**
   * The log position of the last event committed so far: a reader whose cursor reaches it has
   * seen every one of them. Where positions commit in order it is the head; on PostgreSQL it can
   * lie beyond the horizon, which passes it once older open transactions have ended.
   */
  logEnd(): Promise<LogPosition>;
  /**
   * Where a reader stands once it has read the event at global `position` (LOG_START for 0n): a
   * consumer reset there handles what comes after it next. Where positions commit in order it is
   * `position` itself; on PostgreSQL the (transaction id, position) of the last event at or below
   * `position`.
   */
  logPositionAt(position: bigint): Promise<LogPosition>;
  /** How many committed events match `filter` after `after`. */
  countLog(after: LogPosition, filter: LogFilter): Promise<number>;
  /** PostgreSQL: the oldest open writing transaction; undefined elsewhere. */
  oldestOpenTransaction(): Promise<OldestTransaction | undefined>;
}
