import {
  type AppendOutcome,
  expectedVersionHolds,
  type ImportBatchRequest,
  type ImportStreamRequest,
} from '../../backend/index.js';
import { ConcurrencyError, DuplicateEventIdError } from '../../errors/index.js';
import { formatStreamKey, type StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlDialectName, type SqlExecutor } from '../executor.js';
import { copyField } from '../nodePostgresCopy.js';
import { toBigInt, toNumber } from '../rows.js';
import {
  bigint,
  empty,
  join,
  list,
  raw,
  render,
  type SqlFragment,
  type SqlValue,
  sql,
  time,
  uuid,
  value,
} from '../template.js';
import { eventRow, execute, INSERT_COLUMNS, query, type StatementContext, table } from './context.js';
import { pgArray } from './pgArray.js';
import { lockKey } from './tags.js';

/**
 * Writes a batch of many streams in the transaction it is given (all or nothing is the caller's
 * transaction or savepoint): the streams' rows locked in key order and their expected versions
 * checked before anything else is written, then the events, outbox rows and tags in as few
 * statements as the dialect allows. Positions follow each dialect's log rule, as appends' do.
 */
export type ImportBatch = (executor: SqlExecutor, request: ImportBatchRequest) => Promise<readonly AppendOutcome[]>;

/** The streams' rows, found locked: their current versions, by `formatStreamKey`. */
type Versions = ReadonlyMap<string, number>;

/**
 * Rows per multi-row statement where values are bound one by one (MySQL, SQLite): far under either's
 * bound-parameter limit, and small enough that an ORM rebuilding each statement's parameters
 * (Drizzle) does not spend more on that than the database on the rows (1,000 made drizzle/sqlite's
 * import 2.4 times slower than 100 in one bench run).
 */
const ROWS_PER_STATEMENT = 100;

function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Lock order: the same for every importer, so two imports sharing streams never deadlock. */
function byKey(streams: readonly ImportStreamRequest[]): ImportStreamRequest[] {
  const key = (s: ImportStreamRequest) => formatStreamKey(s.stream);
  return [...streams].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Every stream's expectation against its locked version; the first that fails is reported, nothing written. */
function checkVersions(request: ImportBatchRequest, versions: Versions): number[] {
  return request.streams.map(({ stream, expectedVersion }) => {
    const current = versions.get(formatStreamKey(stream)) ?? 0;
    if (!expectedVersionHolds(expectedVersion, current)) throw new ConcurrencyError(stream, expectedVersion, current);
    return current;
  });
}

/** Caller-given ids already stored, reported before anything is written. */
async function refuseStoredIds(
  executor: SqlExecutor,
  context: StatementContext,
  request: ImportBatchRequest,
): Promise<void> {
  if (!request.callerEventIds) return;
  const ids = request.streams.flatMap((s) => s.events.map((event) => event.eventId));
  const taken: string[] = [];
  for (const part of chunks(ids)) {
    const rows = await query<{ event_id: unknown }>(
      executor,
      context,
      sql`SELECT event_id FROM ${table(context, 'events')} WHERE event_id IN (${list(part.map(uuid))})`,
    );
    taken.push(...rows.map((row) => String(row.event_id)));
  }
  if (taken.length > 0) throw new DuplicateEventIdError(taken);
}

/** Each event of the batch with its stream, version and (once known) position, in request order. */
interface Flat {
  readonly stream: StreamKey;
  readonly event: ImportStreamRequest['events'][number];
  readonly version: number;
}

function flatten(request: ImportBatchRequest, currents: readonly number[]): Flat[] {
  return request.streams.flatMap(({ stream, events }, index) =>
    events.map((event, offset) => ({ stream, event, version: (currents[index] as number) + offset + 1 })),
  );
}

/** The outcomes per stream, from every event's position in request order. */
function outcomes(
  request: ImportBatchRequest,
  currents: readonly number[],
  positions: readonly bigint[],
  transactionId: bigint,
) {
  let next = 0;
  return request.streams.map(({ events }, index) => {
    const mine = positions.slice(next, next + events.length);
    next += events.length;
    return { version: (currents[index] as number) + events.length, positions: mine, transactionId };
  });
}

// --- PostgreSQL: unnest arrays ------------------------------------------------------------------

/**
 * PostgreSQL: whatever the batch's size, statements of fixed text, each column of the batch
 * bound as one array and unnested: the shared advisory locks every append takes (on its tenant,
 * its types and its tags, in key order; see statements/tags.ts), the stream rows made and locked
 * in key order, their versions moved; then the events, by COPY where the executor can (one more
 * statement), else in the statement that writes their outbox rows and tags. The events carry the
 * transaction's id, so log readers hold them behind the horizon until the batch commits, as any
 * append's.
 */
const postgresImport =
  (context: StatementContext): ImportBatch =>
  async (executor, request) => {
    const streams = table(context, 'streams');
    const sorted = byKey(request.streams);

    const lockKeys = new Map<string, readonly [string, string, string]>();
    for (const { stream, events } of request.streams) {
      lockKeys.set(`${stream.tenant}\u001fall`, [stream.tenant, 'all', '']);
      for (const event of events) {
        lockKeys.set(`${stream.tenant}\u001ftype\u001f${event.type}`, [stream.tenant, 'type', event.type]);
        for (const tag of event.tags)
          lockKeys.set(`${stream.tenant}\u001ftag\u001f${tag}`, [stream.tenant, 'tag', tag]);
      }
    }
    const keys = [...lockKeys.values()];
    // The transaction's id with the locks: a COPY carries it in every event row.
    const [locks] = await query<{ xid: unknown }>(
      executor,
      context,
      sql`SELECT count(pg_advisory_xact_lock_shared(k)) AS n, pg_current_xact_id()::text AS xid FROM (SELECT DISTINCT ${lockKey(raw('x.t'), raw('x.kind'), raw('x.name'))} AS k FROM unnest(${value(pgArray(keys.map((k) => k[0])))}::text[], ${value(pgArray(keys.map((k) => k[1])))}::text[], ${value(pgArray(keys.map((k) => k[2])))}::text[]) AS x(t, kind, name) ORDER BY k) AS ordered`,
      PREPARED,
    );

    // Each bound once, however often the statements use it.
    const tenants = value(pgArray(sorted.map((s) => s.stream.tenant)));
    const categories = value(pgArray(sorted.map((s) => s.stream.category)));
    const ids = value(pgArray(sorted.map((s) => s.stream.id)));
    const unnestKeys = sql`unnest(${tenants}::text[], ${categories}::text[], ${ids}::text[]) AS x(t, c, i)`;
    await execute(
      executor,
      context,
      sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) SELECT t, c, i, 0 FROM ${unnestKeys} ON CONFLICT (tenant_id, category, stream_id) DO NOTHING`,
      PREPARED,
    );
    // Locked in the order of the keys (the sort runs below the row locks).
    const locked = await query<{ tenant_id: string; category: string; stream_id: string; version: unknown }>(
      executor,
      context,
      sql`SELECT s.tenant_id, s.category, s.stream_id, s.version FROM ${streams} s JOIN unnest(${tenants}::text[], ${categories}::text[], ${ids}::text[]) WITH ORDINALITY AS x(t, c, i, n) ON s.tenant_id = x.t AND s.category = x.c AND s.stream_id = x.i ORDER BY x.n FOR UPDATE OF s`,
      PREPARED,
    );
    const currents = checkVersions(request, versionsOf(locked));
    const currentByStream = new Map(request.streams.map((s, index) => [s, currents[index] as number]));
    await refuseStoredIds(executor, context, request);
    await execute(
      executor,
      context,
      sql`UPDATE ${streams} s SET version = x.v FROM unnest(${tenants}::text[], ${categories}::text[], ${ids}::text[], ${value(
        pgArray(sorted.map((s) => (currentByStream.get(s) as number) + s.events.length)),
      )}::int[]) AS x(t, c, i, v) WHERE s.tenant_id = x.t AND s.category = x.c AND s.stream_id = x.i`,
      PREPARED,
    );

    const flat = flatten(request, currents);
    const at = time(request.recordedAt);
    const inserted = executor.copyFrom
      ? await copyEvents(executor, executor.copyFrom.bind(executor), context, request, flat, String(locks?.xid))
      : unnestEvents(context, flat, at);
    const [row] = await query<{ positions: unknown; transaction_id: unknown }>(
      executor,
      context,
      withOutboxAndTags(context, inserted, flat, at),
      PREPARED,
    );
    // '{41,42,43}': assigned in the batch's order.
    const positions = String(row?.positions).slice(1, -1).split(',').map(BigInt);
    return outcomes(request, currents, positions, toBigInt(row?.transaction_id));
  };

/** The columns of `inserted`, the batch's event rows as written, that the outbox rows and tags take. */
const INSERTED_COLUMNS = 'position, transaction_id, event_id, tenant_id, category, stream_id, stream_version, type';

/**
 * The events inserted by the statement itself: each column of the batch bound as one array and
 * unnested, in the batch's order (so their positions are too). The events carry the transaction's
 * id, so log readers hold them behind the horizon until the batch commits, as any append's.
 */
function unnestEvents(context: StatementContext, flat: readonly Flat[], at: SqlValue): SqlFragment {
  const column = (pick: (row: Flat) => string | number) => value(pgArray(flat.map(pick)));
  return sql`batch AS (
         SELECT * FROM unnest(${column((r) => r.event.eventId)}::uuid[], ${column((r) => r.stream.tenant)}::text[], ${column((r) => r.stream.category)}::text[], ${column((r) => r.stream.id)}::text[], ${column((r) => r.version)}::int[], ${column((r) => r.event.type)}::text[], ${column((r) => r.event.schemaVersion)}::int[], ${column((r) => r.event.data)}::jsonb[], ${column((r) => r.event.metadata)}::jsonb[])
         WITH ORDINALITY AS b(event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, n)),
       inserted AS (
         INSERT INTO ${table(context, 'events')} (transaction_id, ${INSERT_COLUMNS})
         SELECT pg_current_xact_id()::text::bigint, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, ${at}
         FROM batch ORDER BY n
         RETURNING ${raw(INSERTED_COLUMNS)})`;
}

/**
 * The events written by COPY (the driver's fastest path, no statement to parse or plan per row),
 * carrying the transaction's id; positions come from the sequence in row order, which is the
 * batch's. Then read back as the `inserted` the outbox rows and tags take: the transaction's rows
 * past the last it had before the COPY, one range of the log's (transaction_id, position) index
 * where reading them by id would probe the event id index once per event.
 */
async function copyEvents(
  executor: SqlExecutor,
  copyFrom: NonNullable<SqlExecutor['copyFrom']>,
  context: StatementContext,
  request: ImportBatchRequest,
  flat: readonly Flat[],
  transactionId: string,
): Promise<SqlFragment> {
  const at = request.recordedAt.toISOString();
  const lines = flat.map(
    ({ stream, event, version }) =>
      `${transactionId}\t${event.eventId}\t${copyField(stream.tenant)}\t${copyField(stream.category)}\t${copyField(stream.id)}\t${version}\t${copyField(event.type)}\t${event.schemaVersion}\t${copyField(event.data)}\t${copyField(event.metadata)}\t${at}\n`,
  );
  const { text } = render(
    sql`COPY ${table(context, 'events')} (transaction_id, ${INSERT_COLUMNS}) FROM STDIN`,
    context.dialect,
  );
  const transaction = bigint(BigInt(transactionId));
  // The transaction's rows so far (an import inside a host transaction may have written some).
  const [row] = await query<{ last: unknown }>(
    executor,
    context,
    sql`SELECT COALESCE(max(position), 0) AS last FROM ${table(context, 'events')} WHERE transaction_id = ${transaction}`,
    PREPARED,
  );
  await copyFrom(text, lines.join(''));
  return sql`inserted AS (
         SELECT ${raw(INSERTED_COLUMNS)} FROM ${table(context, 'events')}
         WHERE transaction_id = ${transaction} AND position > ${bigint(toBigInt(row?.last ?? 0))})`;
}

/**
 * One statement over the batch's `inserted` events: their outbox rows and tags, the NOTIFY of
 * an append, and the positions (in order) with the transaction's id.
 */
function withOutboxAndTags(
  context: StatementContext,
  inserted: SqlFragment,
  flat: readonly Flat[],
  at: SqlValue,
): SqlFragment {
  const queued = flat.filter((row) => row.event.outbox);
  const tagged = flat.flatMap((row) => row.event.tags.map((tag) => [row.event.eventId, tag] as const));
  const outboxRows =
    queued.length > 0
      ? sql`, queued AS (
         INSERT INTO ${table(context, 'outbox')} (position, event_id, tenant_id, category, stream_id, stream_version, attempts, next_attempt_at, status, created_at)
         SELECT i.position, i.event_id, i.tenant_id, i.category, i.stream_id, i.stream_version, 0, ${at}, 'pending', ${at}
         FROM inserted i WHERE i.event_id = ANY(${value(pgArray(queued.map((row) => row.event.eventId)))}::uuid[]) ORDER BY i.position)`
      : empty;
  const tagRows =
    tagged.length > 0
      ? sql`, tagged AS (
         INSERT INTO ${table(context, 'tags')} (transaction_id, position, tenant_id, tag, type)
         SELECT i.transaction_id, i.position, i.tenant_id, g.tag, i.type
         FROM inserted i JOIN unnest(${value(pgArray(tagged.map((t) => t[0])))}::uuid[], ${value(pgArray(tagged.map((t) => t[1])))}::text[]) AS g(event_id, tag) ON g.event_id = i.event_id)`
      : empty;
  const notify =
    context.notifyChannel !== undefined
      ? sql`, (SELECT 1 FROM pg_notify(${context.notifyChannel}, NULL)) AS notified`
      : empty;
  return sql`WITH ${inserted}${outboxRows}${tagRows}
       SELECT array_agg(position ORDER BY position)::text AS positions, min(transaction_id) AS transaction_id${notify} FROM inserted`;
}

function versionsOf(rows: readonly { tenant_id: string; category: string; stream_id: string; version: unknown }[]) {
  return new Map(
    rows.map((row) => [
      formatStreamKey({ tenant: String(row.tenant_id), category: String(row.category), id: String(row.stream_id) }),
      toNumber(row.version),
    ]),
  );
}

// --- MySQL and SQLite: multi-row statements -----------------------------------------------------

/** The VALUES rows of an event insert; with explicit positions where the dialect assigns them (MySQL). */
function eventValues(rows: readonly Flat[], recordedAt: Date, positions?: readonly bigint[]): SqlFragment {
  return sql`${join(
    rows.map(({ stream, event, version }, index) => eventRow(stream, event, version, recordedAt, positions?.[index])),
    ', ',
  )}`;
}

/** Outbox rows and tags of the inserted events, as multi-row inserts. */
async function insertOutboxAndTags(
  executor: SqlExecutor,
  context: StatementContext,
  flat: readonly Flat[],
  positions: readonly bigint[],
  recordedAt: Date,
): Promise<void> {
  const rows = flat.map((row, index) => ({ ...row, position: positions[index] as bigint }));
  for (const part of chunks(rows.filter((row) => row.event.outbox))) {
    const values = part.map(
      ({ stream, event, version, position }) =>
        sql`(${list([bigint(position), uuid(event.eventId), stream.tenant, stream.category, stream.id, version, 0, time(recordedAt), 'pending', time(recordedAt)])})`,
    );
    await execute(
      executor,
      context,
      sql`INSERT INTO ${table(context, 'outbox')} (position, event_id, tenant_id, category, stream_id, stream_version, attempts, next_attempt_at, status, created_at) VALUES ${join(values, ', ')}`,
    );
  }
  const tags = rows.flatMap(({ stream, event, position }) =>
    event.tags.map((tag) => sql`(${list([bigint(position), stream.tenant, tag, event.type])})`),
  );
  for (const part of chunks(tags)) {
    await execute(
      executor,
      context,
      sql`INSERT INTO ${table(context, 'tags')} (position, tenant_id, tag, type) VALUES ${join(part, ', ')}`,
    );
  }
}

/** The stream rows made (at version 0) if missing, in key order, and their versions read. */
async function lockStreams(
  executor: SqlExecutor,
  context: StatementContext,
  sorted: readonly ImportStreamRequest[],
): Promise<Versions> {
  const streams = table(context, 'streams');
  const mysql = context.dialect.name === 'mysql';
  const versions = new Map<string, number>();
  for (const part of chunks(sorted)) {
    const rows = part.map(({ stream }) => sql`(${list([stream.tenant, stream.category, stream.id, 0])})`);
    // MySQL: the upsert locks each row (no gap lock, unlike a locking read of a missing one);
    // SQLite: the transaction holds the write lock already.
    const onConflict = mysql
      ? sql`ON DUPLICATE KEY UPDATE version = version`
      : sql`ON CONFLICT (tenant_id, category, stream_id) DO NOTHING`;
    await execute(
      executor,
      context,
      sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES ${join(rows, ', ')} ${onConflict}`,
    );
    const keys = part.map(({ stream }) => sql`(${list([stream.tenant, stream.category, stream.id])})`);
    const found = await query<{ tenant_id: string; category: string; stream_id: string; version: unknown }>(
      executor,
      context,
      sql`SELECT tenant_id, category, stream_id, version FROM ${streams} WHERE (tenant_id, category, stream_id) IN (${join(keys, ', ')})${mysql ? sql` FOR UPDATE` : empty}`,
    );
    for (const [key, version] of versionsOf(found)) versions.set(key, version);
  }
  return versions;
}

/** The streams' new versions, as one upsert per chunk of streams. */
async function moveVersions(
  executor: SqlExecutor,
  context: StatementContext,
  request: ImportBatchRequest,
  currents: readonly number[],
): Promise<void> {
  const mysql = context.dialect.name === 'mysql';
  const moved = request.streams.map((s, index) => ({
    stream: s.stream,
    version: (currents[index] as number) + s.events.length,
  }));
  for (const part of chunks(byKeyOf(moved))) {
    const rows = part.map(
      ({ stream, version }) => sql`(${list([stream.tenant, stream.category, stream.id, version])})`,
    );
    const onConflict = mysql
      ? sql`ON DUPLICATE KEY UPDATE version = VALUES(version)`
      : sql`ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = excluded.version`;
    await execute(
      executor,
      context,
      sql`INSERT INTO ${table(context, 'streams')} (tenant_id, category, stream_id, version) VALUES ${join(rows, ', ')} ${onConflict}`,
    );
  }
}

function byKeyOf<T extends { stream: StreamKey }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const [x, y] = [formatStreamKey(a.stream), formatStreamKey(b.stream)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/**
 * MySQL and MariaDB: the streams' rows locked (in key order, as appends lock theirs before the
 * log head), then the batch's positions allocated at once under the log-head row lock, held until
 * the transaction ends: commit order stays position order, as for appends. Events go as multi-row
 * inserts with their explicit positions.
 */
const mysqlImport =
  (context: StatementContext): ImportBatch =>
  async (executor, request) => {
    const currents = checkVersions(request, await lockStreams(executor, context, byKey(request.streams)));
    await refuseStoredIds(executor, context, request);
    await moveVersions(executor, context, request, currents);
    const flat = flatten(request, currents);
    const total = flat.length;
    await execute(
      executor,
      context,
      sql`INSERT INTO ${table(context, 'logHead')} (id, position) VALUES (1, LAST_INSERT_ID(${total})) ON DUPLICATE KEY UPDATE position = LAST_INSERT_ID(position + ${total})`,
    );
    const [head] = await query<{ last: unknown }>(executor, context, sql`SELECT LAST_INSERT_ID() AS last`);
    const first = toBigInt(head?.last) - BigInt(total) + 1n;
    const positions = flat.map((_, index) => first + BigInt(index));
    const parts = chunks(flat);
    for (const [index, part] of parts.entries()) {
      const offset = index * ROWS_PER_STATEMENT;
      await execute(
        executor,
        context,
        sql`INSERT INTO ${table(context, 'events')} (position, ${INSERT_COLUMNS}) VALUES ${eventValues(part, request.recordedAt, positions.slice(offset, offset + part.length))}`,
      );
    }
    await insertOutboxAndTags(executor, context, flat, positions, request.recordedAt);
    return outcomes(request, currents, positions, 0n);
  };

/**
 * SQLite: the transaction holds the write lock from its start (one writer), so positions (the
 * AUTOINCREMENT key) commit in order; events go as multi-row inserts returning their positions.
 */
const sqliteImport =
  (context: StatementContext): ImportBatch =>
  async (executor, request) => {
    const currents = checkVersions(request, await lockStreams(executor, context, byKey(request.streams)));
    await refuseStoredIds(executor, context, request);
    await moveVersions(executor, context, request, currents);
    const flat = flatten(request, currents);
    const byId = new Map<string, bigint>();
    for (const part of chunks(flat)) {
      const rows = await query<{ event_id: unknown; position: unknown }>(
        executor,
        context,
        sql`INSERT INTO ${table(context, 'events')} (${INSERT_COLUMNS}) VALUES ${eventValues(part, request.recordedAt)} RETURNING event_id, position`,
      );
      for (const row of rows) byId.set(String(row.event_id), toBigInt(row.position));
    }
    const positions = flat.map((row) => byId.get(row.event.eventId) as bigint);
    await insertOutboxAndTags(executor, context, flat, positions, request.recordedAt);
    return outcomes(request, currents, positions, 0n);
  };

const IMPORTS: Record<SqlDialectName, (context: StatementContext) => ImportBatch> = {
  postgres: postgresImport,
  mysql: mysqlImport,
  sqlite: sqliteImport,
};

export function importStatements(context: StatementContext): { importBatch: ImportBatch } {
  return { importBatch: IMPORTS[context.dialect.name](context) };
}
