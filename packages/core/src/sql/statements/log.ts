import type { LogFilter, LogPage, LogPosition, OldestTransaction, ReadLogQuery } from '../../backend/index.js';
import { LOG_START } from '../../backend/index.js';
import { PREPARED, type SqlDialectName, type SqlExecutor } from '../executor.js';
import { type EventRow, toBigInt, toNumber, toStoredEvents } from '../rows.js';
import { bigint, raw, type SqlFragment, sql } from '../template.js';
import { eventColumns, logFilter, query, type StatementContext, table } from './context.js';

/**
 * PostgreSQL's log horizon: the oldest transaction id that may still commit rows this database's
 * readers cannot see yet, as a bigint. It is the snapshot's xmin (its oldest in-progress
 * transaction, or xmax when none), leaving out the in-progress transactions that a session of
 * another database on the same server holds: transaction ids are server-wide, but such a
 * transaction can never write this database's tables, so without this one open in any database
 * of the server would hold every consumer here back. Only those found in pg_stat_activity are
 * left out: one that cannot be placed (ended meanwhile, or prepared) still counts.
 */
export const LOG_HORIZON = raw(`(SELECT COALESCE(
     (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s) AS x WHERE NOT EXISTS (
       SELECT 1 FROM pg_stat_activity AS a
       WHERE a.datname <> current_database() AND a.backend_xid::text::bigint = x::text::bigint % 4294967296)),
     pg_snapshot_xmax(s)::text::bigint)
   FROM pg_current_snapshot() AS s)`);

/**
 * Where the log is known committed with everything below it, where positions commit in order:
 * MySQL/MariaDB allocate positions under the log-head row's lock, held until the appending
 * transaction ends (see append.ts), so its committed value is the head; SQLite has one writer at
 * a time, so the greatest committed position is.
 */
const COMMITTED_HEAD: Record<Exclude<SqlDialectName, 'postgres'>, (context: StatementContext) => SqlFragment> = {
  mysql: (context) => sql`SELECT position AS head FROM ${table(context, 'logHead')} WHERE id = 1`,
  sqlite: (context) => sql`SELECT COALESCE(MAX(position), 0) AS head FROM ${table(context, 'events')}`,
};

/** The statement reading the committed head (column `head`) where positions commit in order. */
export function committedHeadStatement(context: StatementContext): SqlFragment {
  const { name } = context.dialect;
  if (name === 'postgres') throw new Error('PostgreSQL has no committed head: read below the horizon');
  return COMMITTED_HEAD[name](context);
}

/** The committed head where positions commit in order (see `COMMITTED_HEAD`). */
export async function readCommittedHead(executor: SqlExecutor, context: StatementContext): Promise<bigint> {
  const [row] = await query<{ head: unknown }>(executor, context, committedHeadStatement(context), PREPARED);
  return row ? toBigInt(row.head ?? 0) : 0n;
}

/** What a read below the horizon returns: its events (none: only the horizon row), the horizon, and whether committed events it matches wait above it. */
export type HorizonRow = EventRow & { horizon: unknown; held_back: unknown };

/**
 * A page read below the horizon (the log's, or a query's): a full page goes on from its last
 * event; a partial one has seen everything below the horizon after the cursor, so it goes on
 * from the horizon.
 */
export function pageBelowHorizon(rows: readonly HorizonRow[], read: { after: LogPosition; limit: number }): LogPage {
  const horizon = toBigInt(rows[0]?.horizon ?? 0);
  const heldBack = rows[0]?.held_back === true || rows[0]?.held_back === 't';
  const found = toStoredEvents(rows.filter((row) => row.position !== null && row.position !== undefined));
  const last = found.at(-1);
  if (found.length >= read.limit && last) {
    return { events: found, next: { transactionId: last.transactionId, position: last.position }, heldBack };
  }
  const next = read.after.transactionId >= horizon ? read.after : { transactionId: horizon, position: 0n };
  return { events: found, next, heldBack };
}

/** A page read up to the committed head `head`: nothing at or below it can appear later. */
export function pageUpToHead(
  rows: readonly EventRow[],
  read: { after: LogPosition; limit: number },
  head: bigint,
): LogPage {
  const found = toStoredEvents(rows);
  const last = found.at(-1);
  if (found.length >= read.limit && last)
    return { events: found, next: { transactionId: 0n, position: last.position } };
  const position = head > read.after.position ? head : read.after.position;
  return { events: found, next: { transactionId: 0n, position } };
}

/**
 * The global log. PostgreSQL positions are allocated at insert time and can commit out of order,
 * so each event records its writing transaction and the log is read in (transaction id,
 * position) order, only below the snapshot's horizon: every transaction with a smaller id has
 * finished, so nothing can still appear behind the cursor (the cost: one long-open writing
 * transaction holds every log reader back until it ends). MySQL/MariaDB and SQLite commit
 * positions in order, so they read up to a committed head.
 */
export function logStatements(context: StatementContext) {
  const { dialect } = context;
  const events = table(context, 'events');

  const committedHead = (executor: SqlExecutor) => readCommittedHead(executor, context);

  /** The horizon: everything before (horizon, 0) is settled. */
  const horizon = async (executor: SqlExecutor): Promise<LogPosition> => {
    const [row] = await query<{ horizon: unknown }>(executor, context, sql`SELECT ${LOG_HORIZON} AS horizon`, PREPARED);
    return { transactionId: toBigInt(row?.horizon ?? 0), position: 0n };
  };

  const readBelowHorizon = async (executor: SqlExecutor, read: ReadLogQuery): Promise<LogPage> => {
    const filter = logFilter(read.filter);
    // One round trip: the horizon, whether committed events wait at or above it, and the events
    // below it (a LEFT JOIN keeps the horizon row when there are none). Whether events wait is
    // asked as the newest transaction id's place against the horizon: a max is one step down the
    // log index from its end, where EXISTS (... >= horizon) is planned as a scan of the whole
    // table (the horizon is unknown when the plan is made), and reads all of it when none wait.
    const rows = await query<HorizonRow>(
      executor,
      context,
      // MATERIALIZED: the horizon is computed once, not once per use as an inlined CTE is.
      sql`WITH h AS MATERIALIZED (SELECT ${LOG_HORIZON} AS horizon),
       b AS (SELECT h.horizon, (SELECT max(transaction_id) FROM ${events} WHERE 1 = 1${filter}) >= h.horizon AS held_back FROM h)
       SELECT b.horizon, b.held_back, e.* FROM b LEFT JOIN LATERAL (
         SELECT ${eventColumns(context)} FROM ${events}
         WHERE (transaction_id, position) > (${bigint(read.after.transactionId)}, ${bigint(read.after.position)}) AND transaction_id < b.horizon${filter}
         ORDER BY transaction_id, position LIMIT ${read.limit}
       ) e ON true ORDER BY e.transaction_id, e.position`,
      PREPARED,
    );
    return pageBelowHorizon(rows, read);
  };

  /**
   * Events after the cursor up to the committed head, read before them, in a statement of its
   * own: nothing at or below a committed head can appear later, but only a read view taken after
   * the head's statement returned is sure to show all of it. MariaDB takes a read view by walking
   * its open transactions without a lock, so one view (one statement, or a REPEATABLE READ
   * transaction) can show an append and the head it moved while hiding an earlier one, which
   * committed during the walk (deregistered before it released the head's lock); a later view
   * shows it. Read in autocommit, as consumers and `readAll` outside a transaction do, each
   * statement takes its own view; inside a transaction, the page is only as exact as that
   * transaction's snapshot.
   */
  const readUpToHead = async (executor: SqlExecutor, read: ReadLogQuery): Promise<LogPage> => {
    const head = await committedHead(executor);
    const rows = await query<EventRow>(
      executor,
      context,
      sql`SELECT ${eventColumns(context)} FROM ${events} WHERE position > ${bigint(read.after.position)} AND position <= ${bigint(head)}${logFilter(read.filter)} ORDER BY position LIMIT ${read.limit}`,
      // One text per filter shape, read page after page.
      PREPARED,
    );
    return pageUpToHead(rows, read, head);
  };

  const ordered = !dialect.capabilities.transactionIds;
  return {
    logHead: ordered
      ? async (executor: SqlExecutor): Promise<LogPosition> => ({
          transactionId: 0n,
          position: await committedHead(executor),
        })
      : horizon,

    /** See BackendSession.logEnd: where positions commit in order, the head; on PostgreSQL the
     * greatest committed (transaction id, position), wherever the horizon stands. */
    async logEnd(executor: SqlExecutor): Promise<LogPosition> {
      if (ordered) return { transactionId: 0n, position: await committedHead(executor) };
      const [row] = await query<{ transaction_id: unknown; position: unknown }>(
        executor,
        context,
        sql`SELECT transaction_id, position FROM ${events} ORDER BY transaction_id DESC, position DESC LIMIT 1`,
      );
      return row ? { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) } : LOG_START;
    },

    readLog: ordered ? readUpToHead : readBelowHorizon,

    /** See LogSession.logPositionAt. */
    async logPositionAt(executor: SqlExecutor, position: bigint): Promise<LogPosition> {
      if (ordered || position === 0n) return { transactionId: 0n, position };
      const [row] = await query<{ transaction_id: unknown; position: unknown }>(
        executor,
        context,
        sql`SELECT transaction_id, position FROM ${events} WHERE position <= ${bigint(position)} ORDER BY position DESC LIMIT 1`,
      );
      return row ? { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) } : LOG_START;
    },

    async countLog(executor: SqlExecutor, after: LogPosition, filter: LogFilter): Promise<number> {
      const from = ordered
        ? sql`position > ${bigint(after.position)}`
        : sql`(transaction_id, position) > (${bigint(after.transactionId)}, ${bigint(after.position)})`;
      const [row] = await query<{ n: unknown }>(
        executor,
        context,
        sql`SELECT COUNT(*) AS n FROM ${events} WHERE ${from}${logFilter(filter)}`,
      );
      return toNumber(row?.n ?? 0);
    },

    /** PostgreSQL: the oldest transaction of this database holding an xid: while it is open, log
     * readers wait behind it (a prepared transaction, which has no session, holds them back
     * unnamed). Elsewhere nothing holds readers back. */
    async oldestOpenTransaction(executor: SqlExecutor): Promise<OldestTransaction | undefined> {
      if (ordered) return undefined;
      const [row] = await query<{ pid: unknown; xid: unknown; age_ms: unknown; state: unknown; query: unknown }>(
        executor,
        context,
        sql`SELECT pid, backend_xid::text AS xid, (extract(epoch from clock_timestamp() - xact_start) * 1000)::bigint AS age_ms, state, left(query, 200) AS query
       FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname = current_database() ORDER BY age(backend_xid) DESC LIMIT 1`,
      );
      if (!row) return undefined;
      return {
        pid: toNumber(row.pid),
        transactionId: toBigInt(row.xid),
        ageMs: toNumber(row.age_ms),
        state: String(row.state),
        query: String(row.query),
      };
    },
  };
}
