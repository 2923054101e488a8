import type {
  AppendConditionToCheck,
  AppendRequest,
  LogPage,
  LogPosition,
  ReadQueryRequest,
} from '../../backend/index.js';
import { describeQuery, matchesAll, type NormalizedItem, type TenantQuery } from '../../dcb/query.js';
import { AppendConditionFailedError, UnsupportedIsolationError } from '../../errors/index.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import type { EventRow } from '../rows.js';
import { bigint, empty, type Interpolation, join, list, raw, type SqlFragment, sql, value } from '../template.js';
import { eventColumns, execute, query, type StatementContext, table } from './context.js';
import { type HorizonRow, LOG_HORIZON, pageBelowHorizon, pageUpToHead, readCommittedHead } from './log.js';
import { pgArray } from './pgArray.js';

/** This transaction's id, 0 before it writes: its own events are not held back by anything. */
const OWN_TRANSACTION = raw('COALESCE(pg_current_xact_id_if_assigned()::text::bigint, 0)');

/**
 * Dynamic consistency boundaries: the tags table's rows, reads by query, and the append
 * condition's check. An item with tags is answered from the tags table's (tenant, tag, log order)
 * index, joined to itself by primary key for the item's other tags; an item with types only from
 * the events table's (tenant, type, log order) index. Each dialect makes the check atomic with
 * the insert its own way (see `checkCondition`).
 */
export function tagStatements(context: StatementContext) {
  const { dialect } = context;
  const postgres = dialect.name === 'postgres';
  const events = table(context, 'events');
  const tags = table(context, 'tags');

  /** Rows of `alias` after the cursor, in the dialect's log order. */
  const after = (alias: string, position: LogPosition): SqlFragment =>
    postgres
      ? sql`(${raw(alias)}.transaction_id, ${raw(alias)}.position) > (${bigint(position.transactionId)}, ${bigint(position.position)})`
      : sql`${raw(alias)}.position > ${bigint(position.position)}`;

  /**
   * The positions of the events an item matches (all of the tenant's with no item) after
   * `position`; on PostgreSQL with their transaction ids (a read tells those below the horizon).
   */
  const itemPositions = (tenant: string, item: NormalizedItem | undefined, position: LogPosition): SqlFragment => {
    const [first, ...others] = item?.tags ?? [];
    const alias = first === undefined ? 'e' : 't0';
    const columns = raw(postgres ? `${alias}.position, ${alias}.transaction_id` : `${alias}.position`);
    if (first === undefined) {
      const types = item?.types ? sql` AND e.type IN (${list(item.types.map(value))})` : empty;
      return sql`SELECT ${columns} FROM ${events} e WHERE e.tenant_id = ${tenant}${types} AND ${after('e', position)}`;
    }
    // The item's other tags are rows of the same event: joins on the primary key (position, tag),
    // in one query block, so that MySQL's locking read covers them too.
    const joins = join(
      others.map((tag, index) => {
        const other = raw(`t${index + 1}`);
        return sql` JOIN ${tags} ${other} ON ${other}.position = t0.position AND ${other}.tag = ${tag}`;
      }),
      '',
    );
    const types = item?.types ? sql` AND t0.type IN (${list(item.types.map(value))})` : empty;
    return sql`SELECT ${columns} FROM ${tags} t0${joins} WHERE t0.tenant_id = ${tenant} AND t0.tag = ${first}${types} AND ${after('t0', position)}`;
  };

  /** One SELECT per item of the query (one for all events when it has none). */
  const perItem = (query: TenantQuery, position: LogPosition): SqlFragment[] =>
    matchesAll(query)
      ? [itemPositions(query.tenant, undefined, position)]
      : query.items.map((item) => itemPositions(query.tenant, item, position));

  const failed = (condition: AppendConditionToCheck) =>
    new AppendConditionFailedError(describeQuery(condition.query), condition.after);

  /**
   * PostgreSQL, in one statement after the condition's locks (`lockForCondition`): a fresh READ
   * COMMITTED snapshot sees every event committed by the appenders it waited for. At REPEATABLE
   * READ or SERIALIZABLE the snapshot is the transaction's first, older than the locks: refused.
   */
  const checkPostgres = async (executor: SqlExecutor, condition: AppendConditionToCheck) => {
    const position = condition.after ?? { transactionId: 0n, position: 0n };
    const exists = join(
      perItem(condition.query, position).map((select) => sql`EXISTS (${select})`),
      ' OR ',
    );
    const [row] = await query<{ isolation: unknown; matched: unknown }>(
      executor,
      context,
      sql`SELECT current_setting('transaction_isolation') AS isolation, (${exists}) AS matched`,
      // One text per query shape (its items' numbers of tags and types), planned once per connection.
      PREPARED,
    );
    const isolation = String(row?.isolation);
    if (isolation !== 'read committed') throw new UnsupportedIsolationError(isolation);
    if (row?.matched === true || row?.matched === 't') throw failed(condition);
  };

  /**
   * MySQL/MariaDB and SQLite, once the appender holds what orders the log (the log-head row's
   * lock; SQLite's write lock), so no other append commits until this one ends. MySQL reads with
   * a locking read, which sees the latest commit whatever the transaction's snapshot.
   */
  const checkInOrder = async (executor: SqlExecutor, condition: AppendConditionToCheck) => {
    const position = condition.after ?? { transactionId: 0n, position: 0n };
    for (const select of perItem(condition.query, position)) {
      const rows = await query(executor, context, sql`${select} LIMIT 1${raw(dialect.forShare)}`);
      if (rows.length > 0) throw failed(condition);
    }
  };

  /**
   * PostgreSQL: the events matching the query below the horizon (as the log read: nothing can
   * still commit behind the returned cursor), the horizon, and whether committed matching events
   * wait above it (`heldBack`: the store reads again), in one round trip.
   */
  const readBelowHorizon = async (executor: SqlExecutor, read: ReadQueryRequest): Promise<LogPage> => {
    const matched = join(perItem(read.query, read.after), ' UNION ');
    const rows = await query<HorizonRow>(
      executor,
      context,
      // The horizon is computed once (MATERIALIZED), not once per use as an inlined CTE is.
      sql`WITH h AS MATERIALIZED (SELECT ${LOG_HORIZON} AS horizon), m AS (${matched}),
       b AS (SELECT h.horizon, EXISTS (SELECT 1 FROM m WHERE m.transaction_id >= h.horizon AND m.transaction_id <> ${OWN_TRANSACTION}) AS held_back FROM h)
       SELECT b.horizon, b.held_back, e.* FROM b LEFT JOIN LATERAL (
         SELECT ${eventColumns(context)} FROM ${events}
         WHERE position IN (SELECT m.position FROM m WHERE m.transaction_id < b.horizon)
         ORDER BY transaction_id, position LIMIT ${read.limit}
       ) e ON true ORDER BY e.transaction_id, e.position`,
      PREPARED,
    );
    return pageBelowHorizon(rows, read);
  };

  /** MySQL/MariaDB and SQLite: positions commit in order, so up to the committed head read first. */
  const readUpToHead = async (executor: SqlExecutor, read: ReadQueryRequest): Promise<LogPage> => {
    const head = await readCommittedHead(executor, context);
    const matched = join(perItem(read.query, read.after), ' UNION ');
    const rows = await query<EventRow>(
      executor,
      context,
      sql`SELECT ${eventColumns(context)} FROM ${events} WHERE position IN (${matched}) AND position <= ${bigint(head)} ORDER BY position LIMIT ${read.limit}`,
    );
    return pageUpToHead(rows, read, head);
  };

  return {
    readQuery: postgres ? readBelowHorizon : readUpToHead,

    /** Throws `AppendConditionFailedError` when an event matching the condition exists after its position. */
    checkCondition: postgres ? checkPostgres : checkInOrder,

    /**
     * PostgreSQL: the advisory locks that make a conditional append's check and insert atomic
     * (see `conditionLockKeys`), taken in key order in one statement.
     */
    async lockForCondition(executor: SqlExecutor, request: AppendRequest & { condition: AppendConditionToCheck }) {
      const keys = conditionLockKeys(request);
      const tenant = sql`CAST(${value(request.stream.tenant)} AS text)`;
      // The keys as arrays: one text whatever their number, planned once per connection.
      await execute(
        executor,
        context,
        sql`SELECT count(CASE WHEN x THEN pg_advisory_xact_lock(k) ELSE pg_advisory_xact_lock_shared(k) END)
       FROM (SELECT ${lockKey(tenant, raw('v.kind'), raw('v.name'))} AS k, bool_or(v.x) AS x
             FROM unnest(${value(pgArray(keys.map(([kind]) => kind)))}::text[], ${value(pgArray(keys.map(([, name]) => name)))}::text[], ${value(pgArray(keys.map(([, , exclusive]) => exclusive)))}::boolean[]) AS v(kind, name, x)
             GROUP BY k ORDER BY k) AS ordered`,
        PREPARED,
      );
    },

    /** MySQL/MariaDB and SQLite: the tags of an append's events, whose positions are known. */
    async insertTags(executor: SqlExecutor, request: AppendRequest, positions: readonly bigint[]): Promise<void> {
      const rows = request.events.flatMap((event, index) =>
        event.tags.map(
          (tag) => sql`(${list([bigint(positions[index] as bigint), request.stream.tenant, tag, event.type])})`,
        ),
      );
      if (rows.length === 0) return;
      await execute(
        executor,
        context,
        sql`INSERT INTO ${tags} (position, tenant_id, tag, type) VALUES ${join(rows, ', ')}`,
      );
    },
  };
}

/** The kinds of advisory lock key: a tag, an event type, or every event of a tenant. */
export type LockKind = 'tag' | 'type' | 'all';

/**
 * PostgreSQL's advisory lock key of a tag, a type or a tenant's whole log: a 64-bit hash of the
 * three. Two names sharing a hash only make their appenders wait for each other, never miss.
 */
export function lockKey(tenant: Interpolation, kind: Interpolation, name: Interpolation): SqlFragment {
  return sql`hashtextextended((${tenant}) || chr(31) || (${kind}) || chr(31) || (${name}), 0)`;
}

/**
 * The keys a conditional append locks, with whether exclusively. Every append holds SHARED locks
 * on its events' tags, types and its tenant's `all` key until it commits (appendPostgres.ts); a
 * conditional one takes EXCLUSIVE locks on what its query reads: an item's tags (every event it
 * matches carries them), the types of an item with types only, `all` for a query matching every
 * event. So it waits for every uncommitted append its check could miss, and they for it; appends
 * the query cannot match pass by. Its own events' keys are shared, in the same ordered pass.
 */
export function conditionLockKeys(
  request: AppendRequest & { condition: AppendConditionToCheck },
): [LockKind, string, boolean][] {
  const { query } = request.condition;
  const exclusive: [LockKind, string, boolean][] = matchesAll(query)
    ? [['all', '', true]]
    : query.items.flatMap((item) =>
        item.tags
          ? item.tags.map((tag): [LockKind, string, boolean] => ['tag', tag, true])
          : (item.types ?? []).map((type): [LockKind, string, boolean] => ['type', type, true]),
      );
  const shared = request.events.flatMap((event): [LockKind, string, boolean][] => [
    ['type', event.type, false],
    ...event.tags.map((tag): [LockKind, string, boolean] => ['tag', tag, false]),
  ]);
  return [['all', '', false], ...exclusive, ...shared];
}
