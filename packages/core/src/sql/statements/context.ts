import type { ConsumerKey, EventToStore, LogFilter } from '../../backend/index.js';
import { TAG_SEPARATOR } from '../../dcb/tags.js';
import type { StreamKey } from '../../streams/index.js';
import type { SqlDialect } from '../dialects/index.js';
import type { SqlExecutor, StatementOptions } from '../executor.js';
import type { TableNames } from '../tables.js';
import {
  bigint,
  empty,
  ident,
  json,
  list,
  raw,
  render,
  type SqlFragment,
  sql,
  time,
  uuid,
  value,
} from '../template.js';

/** What every statement module works with: the dialect's syntax and the store's table names. */
export interface StatementContext {
  readonly dialect: SqlDialect;
  readonly tables: TableNames;
  /** PostgreSQL: NOTIFY this channel with every append. */
  readonly notifyChannel?: string;
}

/** Runs a statement that returns rows, rendered in the executor's dialect. */
export function query<Row>(
  executor: SqlExecutor,
  context: StatementContext,
  statement: SqlFragment,
  options?: StatementOptions,
): Promise<Row[]> {
  const { text, values } = render(statement, context.dialect);
  return executor.query<Row>(text, values, options);
}

/** Runs a statement that returns no rows: the affected row count. */
export function execute(
  executor: SqlExecutor,
  context: StatementContext,
  statement: SqlFragment,
  options?: StatementOptions,
): Promise<number> {
  const { text, values } = render(statement, context.dialect);
  return executor.execute(text, values, options);
}

/** Runs a one-row `INSERT` for its rowid, where the executor tells it (`insertRowId`); else undefined, nothing run. */
export function insertRowId(
  executor: SqlExecutor,
  context: StatementContext,
  statement: SqlFragment,
  options?: StatementOptions,
): Promise<bigint> | undefined {
  if (!executor.insertRowId) return undefined;
  const { text, values } = render(statement, context.dialect);
  return executor.insertRowId(text, values, options);
}

/** A table of the store, by its role. */
export function table(context: StatementContext, role: keyof TableNames): SqlFragment {
  let fragments = tableFragments.get(context);
  if (!fragments) {
    const entries = Object.entries(context.tables).map(([name, table]) => [name, sql`${ident(table)}`]);
    fragments = Object.fromEntries(entries) as Record<keyof TableNames, SqlFragment>;
    tableFragments.set(context, fragments);
  }
  return fragments[role];
}

/** Each context's table fragments, made once: statements name their tables at every run. */
const tableFragments = new WeakMap<StatementContext, Record<keyof TableNames, SqlFragment>>();

export const INSERT_COLUMNS = raw(
  'event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at',
);

/**
 * One VALUES row of an event insert, in the order of `INSERT_COLUMNS`, led by the event's explicit
 * position where the dialect assigns positions itself (MySQL/MariaDB).
 */
export function eventRow(
  stream: StreamKey,
  event: EventToStore,
  version: number,
  recordedAt: Date,
  position?: bigint,
): SqlFragment {
  const explicit = position === undefined ? empty : sql`${bigint(position)}, `;
  return sql`(${explicit}${list([
    uuid(event.eventId),
    stream.tenant,
    stream.category,
    stream.id,
    version,
    event.type,
    event.schemaVersion,
    json(event.data),
    json(event.metadata),
    time(recordedAt),
  ])})`;
}

/**
 * The select list of an event row, optionally qualified by a table alias. A stream read leaves
 * out the stream's key (`keyed: false`): the query has it, and every column costs the driver a
 * parse per row.
 */
export function eventColumns(context: StatementContext, alias?: string, keyed = true): SqlFragment {
  const { dialect } = context;
  const a = alias ? `${alias}.` : '';
  const transactionId = dialect.capabilities.transactionIds ? `, ${a}transaction_id` : '';
  const key = keyed ? `, ${a}tenant_id, ${a}category, ${a}stream_id` : '';
  return sql`${raw(
    `${a}position${transactionId}, ${a}event_id${key}, ${a}stream_version, ${a}type, ${a}schema_version, ${dialect.selectJson(`${a}data`)} AS data, ${dialect.selectJson(`${a}metadata`)} AS metadata, ${dialect.selectTime(`${a}recorded_at`)} AS recorded_at, ${eventTags(context, alias ?? context.tables.events)} AS tags`,
  )}`;
}

/**
 * The tags of the event row `events` (an alias or the events table) as one text joined by
 * `TAG_SEPARATOR` after their count (NULL when it has none), looked up by the tags table's
 * primary key. The count notices a list cut short (MySQL's `group_concat_max_len`).
 */
function eventTags(context: StatementContext, events: string): string {
  const tags = context.tables.tags;
  const where = `FROM ${tags} tg WHERE tg.position = ${events}.position`;
  switch (context.dialect.name) {
    case 'postgres':
      return `(SELECT count(*) || chr(31) || string_agg(tg.tag, chr(31)) ${where})`;
    case 'mysql':
      return `(SELECT CONCAT(COUNT(*), '${TAG_SEPARATOR}', GROUP_CONCAT(tg.tag SEPARATOR '${TAG_SEPARATOR}')) ${where})`;
    case 'sqlite':
      // Each row's lookup and aggregate are most of a read's cost over the events alone; SQLite
      // evaluates the uncorrelated EXISTS once per statement and skips them all when no event has a tag.
      return `CASE WHEN EXISTS (SELECT 1 FROM ${tags}) AND EXISTS (SELECT 1 ${where}) THEN (SELECT count(*) || char(31) || group_concat(tg.tag, char(31)) ${where}) END`;
  }
}

export function streamWhere(stream: StreamKey): SqlFragment {
  return sql`tenant_id = ${stream.tenant} AND category = ${stream.category} AND stream_id = ${stream.id}`;
}

export function consumerWhere(consumer: ConsumerKey, alias = ''): SqlFragment {
  const a = raw(alias);
  return sql`${a}tenant_id = ${consumer.tenant} AND ${a}consumer = ${consumer.name}`;
}

/**
 * ` AND ...` conditions of a log read's filter; nothing when it has none. Its values are bound
 * once where the fragment is used twice (PostgreSQL's log read, numbered placeholders).
 */
export function logFilter(filter: LogFilter): SqlFragment {
  const { tenant, categories, types } = filter;
  return sql`${tenant !== undefined ? sql` AND tenant_id = ${value(tenant)}` : empty}${
    categories && categories.length > 0 ? sql` AND category IN (${list(categories.map(value))})` : empty
  }${types && types.length > 0 ? sql` AND type IN (${list(types.map(value))})` : empty}`;
}
