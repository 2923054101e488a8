import type { AppendOutcome, AppendRequest, ExpectedVersion } from '../../backend/index.js';
import { expectedVersionHolds } from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlDialectName, type SqlExecutor } from '../executor.js';
import { toBigInt, toNumber } from '../rows.js';
import { bigint, join, list, type SqlJoin, sql, time, uuid } from '../template.js';
import { appendInOneStatement } from './appendPostgres.js';
import {
  eventRow,
  execute,
  INSERT_COLUMNS,
  insertRowId,
  query,
  type StatementContext,
  streamWhere,
  table,
} from './context.js';
import { tagStatements } from './tags.js';

type TagStatements = ReturnType<typeof tagStatements>;

/**
 * Checks the expected version, moves the stream's version by the number of events and inserts
 * them (positions allocated per the dialect's log rule) with their outbox rows. Undefined when
 * the expected version does not hold, with nothing written. A unique key the check could not see
 * (a duplicate event id) fails as the driver's error.
 */
export type AppendEvents = (executor: SqlExecutor, request: AppendRequest) => Promise<AppendOutcome | undefined>;

/** The VALUES rows of an event insert; `position`: the explicit positions where the dialect assigns them. */
function eventRows(request: AppendRequest, firstVersion: number, positions?: readonly bigint[]): SqlJoin {
  const { stream, recordedAt } = request;
  return join(
    request.events.map((event, index) => eventRow(stream, event, firstVersion + index, recordedAt, positions?.[index])),
    ', ',
  );
}

/**
 * Whether an append has outbox rows / tags to insert: most have neither and skip the call, and
 * the promises it makes (which Node 22's promise hooks run for once an AsyncLocalStorage is in
 * use; BENCHMARKS.md).
 */
const queuesOutbox = (request: AppendRequest) => request.events.some((event) => event.outbox);
const carriesTags = (request: AppendRequest) => request.events.some((event) => event.tags.length > 0);

/** Outbox rows for the events flagged for it, in the same transaction as the events. */
async function insertOutbox(
  executor: SqlExecutor,
  context: StatementContext,
  request: AppendRequest,
  firstVersion: number,
  positions: readonly bigint[],
): Promise<void> {
  const queued = request.events.map((event, index) => ({ event, index })).filter(({ event }) => event.outbox);
  if (queued.length === 0) return;
  const { stream, recordedAt } = request;
  const rows = join(
    queued.map(
      ({ event, index }) =>
        sql`(${list([
          bigint(positions[index] as bigint),
          uuid(event.eventId),
          stream.tenant,
          stream.category,
          stream.id,
          firstVersion + index,
          0,
          time(recordedAt),
          'pending',
          time(recordedAt),
        ])})`,
    ),
    ', ',
  );
  await execute(
    executor,
    context,
    sql`INSERT INTO ${table(context, 'outbox')} (position, event_id, tenant_id, category, stream_id, stream_version, attempts, next_attempt_at, status, created_at) VALUES ${rows}`,
    queued.length === 1 ? PREPARED : undefined,
  );
}

/**
 * MySQL and MariaDB: there is no snapshot horizon to read, so commit order is made equal to
 * position order instead: positions are allocated by incrementing the single `log_head` row,
 * whose row lock is held until the appending transaction ends. The next appender waits for that
 * lock, so it can only take higher positions after every lower one has committed or rolled back
 * (a rollback restores the counter). A reader then never sees position n+1 without n. The cost:
 * appends to the global log are serialized for the length of each appending transaction.
 *
 * Affected-row counts are not trusted here (drivers differ on CLIENT_FOUND_ROWS); versions are
 * read back under the stream's row lock instead.
 */
const mysqlAppend =
  (context: StatementContext, tags: TagStatements): AppendEvents =>
  async (executor, request) => {
    const { stream, expectedVersion } = request;
    const streams = table(context, 'streams');
    const count = request.events.length;
    // 1. Make sure the row exists and hold its lock. A locking read of a missing row would take
    //    a gap lock, and two such appenders then deadlock on insert; this upsert does not.
    await execute(
      executor,
      context,
      sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${list([stream.tenant, stream.category, stream.id])}, 0) ON DUPLICATE KEY UPDATE version = version`,
    );
    // 2. The current version, read under that lock (a locking read sees the latest commit).
    const rows = await query<{ version: unknown }>(
      executor,
      context,
      sql`SELECT version FROM ${streams} WHERE ${streamWhere(stream)} FOR UPDATE`,
    );
    const current = toNumber(rows[0]?.version ?? 0);
    if (request.condition) {
      // The log-head row's lock first (no append commits until this one ends), then the check.
      await execute(
        executor,
        context,
        sql`INSERT INTO ${table(context, 'logHead')} (id, position) VALUES (1, 0) ON DUPLICATE KEY UPDATE position = position`,
      );
      await tags.checkCondition(executor, request.condition);
    }
    if (!expectedVersionHolds(expectedVersion, current)) return undefined;
    // 3. Move it.
    const version = current + count;
    await execute(executor, context, sql`UPDATE ${streams} SET version = ${version} WHERE ${streamWhere(stream)}`);
    // 4. Allocate `count` positions under the log_head row lock (held until this transaction ends).
    await execute(
      executor,
      context,
      sql`INSERT INTO ${table(context, 'logHead')} (id, position) VALUES (1, LAST_INSERT_ID(${count})) ON DUPLICATE KEY UPDATE position = LAST_INSERT_ID(position + ${count})`,
    );
    const [head] = await query<{ last: unknown }>(executor, context, sql`SELECT LAST_INSERT_ID() AS last`);
    const last = toBigInt(head?.last);
    const first = last - BigInt(count) + 1n;
    const positions = request.events.map((_, index) => first + BigInt(index));
    const firstVersion = version - count + 1;
    await execute(
      executor,
      context,
      sql`INSERT INTO ${table(context, 'events')} (position, ${INSERT_COLUMNS}) VALUES ${eventRows(request, firstVersion, positions)}`,
    );
    if (queuesOutbox(request)) await insertOutbox(executor, context, request, firstVersion, positions);
    if (carriesTags(request)) await tags.insertTags(executor, request, positions);
    return { version, positions, transactionId: 0n };
  };

/**
 * SQLite: moves the stream's version by `count` if `expected` holds; its version after, or
 * undefined with nothing written. Where the expectation names the version (a number, or none for
 * a new stream) the affected-row count says it all; `RETURNING` (a row to build, several
 * microseconds on SQLite) is kept for the expectations that do not.
 */
async function bumpVersion(
  executor: SqlExecutor,
  context: StatementContext,
  stream: StreamKey,
  expected: ExpectedVersion,
  count: number,
): Promise<number | undefined> {
  const streams = table(context, 'streams');
  const key = list([stream.tenant, stream.category, stream.id, count]);
  if (expected === 'no_stream' || expected === 0) {
    const inserted = await execute(
      executor,
      context,
      sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${key}) ON CONFLICT (tenant_id, category, stream_id) DO NOTHING`,
      PREPARED,
    );
    return inserted === 1 ? count : undefined;
  }
  if (typeof expected === 'number') {
    const moved = await execute(
      executor,
      context,
      sql`UPDATE ${streams} SET version = version + ${count} WHERE ${streamWhere(stream)} AND version = ${expected}`,
      PREPARED,
    );
    return moved === 1 ? expected + count : undefined;
  }
  const bump =
    expected === 'any'
      ? sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${key}) ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = version + excluded.version RETURNING version`
      : sql`UPDATE ${streams} SET version = version + ${count} WHERE ${streamWhere(stream)} AND version > 0 RETURNING version`;
  const [bumped] = await query<{ version: unknown }>(executor, context, bump, PREPARED);
  return bumped ? toNumber(bumped.version) : undefined;
}

/** SQLite: inserts the events; their positions (the events table's rowid), in the request's order. */
async function insertSqliteEvents(
  executor: SqlExecutor,
  context: StatementContext,
  request: AppendRequest,
  firstVersion: number,
): Promise<bigint[]> {
  const insert = sql`INSERT INTO ${table(context, 'events')} (${INSERT_COLUMNS}) VALUES ${eventRows(request, firstVersion)}`;
  if (request.events.length === 1) {
    const rowId = insertRowId(executor, context, insert, PREPARED);
    if (rowId) return [await rowId];
    const [row] = await query<{ position: unknown }>(executor, context, sql`${insert} RETURNING position`, PREPARED);
    return [toBigInt(row?.position)];
  }
  const rows = await query<{ event_id: unknown; position: unknown }>(
    executor,
    context,
    sql`${insert} RETURNING event_id, position`,
  );
  // SQLite returns the rows in no set order.
  const byId = new Map(rows.map((row) => [String(row.event_id), toBigInt(row.position)]));
  return request.events.map((event) => byId.get(event.eventId) as bigint);
}

/**
 * SQLite: one writer at a time. A write transaction holds the database's write lock until it
 * ends, so positions (an AUTOINCREMENT key, never reused) commit in order; the version check is
 * one statement that moves the version only if the expectation holds.
 */
const sqliteAppend =
  (context: StatementContext, tags: TagStatements): AppendEvents =>
  async (executor, request) => {
    const { stream, expectedVersion: expected } = request;
    // The transaction holds the write lock: no other append commits until this one ends.
    if (request.condition) await tags.checkCondition(executor, request.condition);
    const count = request.events.length;
    const version = await bumpVersion(executor, context, stream, expected, count);
    if (version === undefined) return undefined;
    const firstVersion = version - count + 1;
    const positions = await insertSqliteEvents(executor, context, request, firstVersion);
    if (queuesOutbox(request)) await insertOutbox(executor, context, request, firstVersion, positions);
    if (carriesTags(request)) await tags.insertTags(executor, request, positions);
    return { version, positions, transactionId: 0n };
  };

/**
 * PostgreSQL: a conditional append takes its advisory locks (exclusive on what its query reads),
 * then checks in a statement of its own, whose snapshot sees what the appenders it waited for
 * committed, then appends in one statement as any other (see statements/tags.ts).
 */
const postgresAppend = (context: StatementContext, tags: TagStatements): AppendEvents => {
  const append = appendInOneStatement(context);
  return async (executor, request) => {
    const { condition } = request;
    if (condition) {
      await tags.lockForCondition(executor, { ...request, condition });
      await tags.checkCondition(executor, condition);
    }
    return append(executor, request);
  };
};

const APPENDS: Record<SqlDialectName, (context: StatementContext, tags: TagStatements) => AppendEvents> = {
  postgres: postgresAppend,
  mysql: mysqlAppend,
  sqlite: sqliteAppend,
};

/**
 * The append of each dialect. A DCB condition is checked before anything is written, where the
 * dialect makes it atomic with the insert; when both fail, the condition is reported, not the
 * expected version.
 */
export function appendStatements(context: StatementContext): { appendEvents: AppendEvents } {
  return { appendEvents: APPENDS[context.dialect.name](context, tagStatements(context)) };
}
