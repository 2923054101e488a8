import type { AppendOutcome, AppendRequest } from '../../backend/index.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import { toBigInt, toNumber } from '../rows.js';
import { empty, json, raw, render, type SqlFragment, type SqlValue, sql, time, value } from '../template.js';
import { INSERT_COLUMNS, type StatementContext, table } from './context.js';
import { lockKey } from './tags.js';

/** The version check an append makes, one statement text each. */
type VersionCheck = 'new' | 'any' | 'stream_exists' | 'exact';

/** The bound values of an append, each bound once however often the statement uses it. */
interface AppendValues {
  readonly tenant: SqlValue;
  readonly category: SqlValue;
  readonly stream: SqlValue;
  readonly count: SqlValue;
  readonly expected: SqlValue;
  readonly batch: SqlValue;
  readonly at: SqlValue;
  readonly channel?: SqlValue;
}

/** What an append returns: positions as bigint[] text, in version order. */
interface AppendedRow {
  positions: unknown;
  version: unknown;
  transaction_id: unknown;
}

/** The statement's variant: its version check, and whether it writes outbox rows and tags. */
interface Variant {
  readonly check: VersionCheck;
  readonly queued: boolean;
  readonly tagged: boolean;
}

function appendStatement(context: StatementContext, { check, queued, tagged }: Variant, v: AppendValues): SqlFragment {
  const events = table(context, 'events');
  const outbox = table(context, 'outbox');
  const streams = table(context, 'streams');
  const tags = table(context, 'tags');
  const key = sql`${v.tenant}, ${v.category}, ${v.stream}`;
  const tenant = sql`CAST(${v.tenant} AS text)`;
  // Every append holds SHARED advisory locks on its tenant's log, its events' types and tags until
  // it commits, taken in key order before the stream's row lock: a conditional append locking
  // what its query reads waits for it (statements/tags.ts, conditionLockKeys).
  const locked = sql`locked AS (SELECT count(pg_advisory_xact_lock_shared(k)) AS n FROM (
         SELECT DISTINCT k FROM (
           SELECT ${lockKey(tenant, raw("'all'"), raw("''"))} AS k
           UNION ALL SELECT ${lockKey(tenant, raw("'type'"), raw("b.e->>'type'"))} FROM batch b
           UNION ALL SELECT ${lockKey(tenant, raw("'tag'"), raw('g.tag'))} FROM batch b, jsonb_array_elements_text(b.e->'tags') AS g(tag)
         ) AS keys ORDER BY k) AS ordered)`;
  const versionCheck =
    check === 'new'
      ? // A concurrent insert of the same key waits for the first to commit, then does nothing.
        sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) SELECT ${key}, ${v.count}::int FROM locked ON CONFLICT (tenant_id, category, stream_id) DO NOTHING RETURNING version`
      : check === 'any'
        ? sql`INSERT INTO ${streams} (tenant_id, category, stream_id, version) SELECT ${key}, ${v.count}::int FROM locked ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = ${streams}.version + EXCLUDED.version RETURNING version`
        : sql`UPDATE ${streams} SET version = ${streams}.version + ${v.count}::int FROM locked WHERE tenant_id = ${v.tenant} AND category = ${v.category} AND stream_id = ${v.stream} AND ${check === 'stream_exists' ? sql`version > 0` : sql`version = ${v.expected}`} RETURNING version`;
  const outboxRows = queued
    ? sql`, queued AS (
         INSERT INTO ${outbox} (position, event_id, tenant_id, category, stream_id, stream_version, attempts, next_attempt_at, status, created_at)
         SELECT i.position, i.event_id, ${key}, i.stream_version, 0, ${v.at}, 'pending', ${v.at}
         FROM inserted i, bumped s, batch b WHERE b.n = i.stream_version - s.version + ${v.count}::int AND (b.e->>'outbox')::boolean
         ORDER BY i.position)`
    : empty;
  const tagRows = tagged
    ? sql`, tagged AS (
         INSERT INTO ${tags} (transaction_id, position, tenant_id, tag, type)
         SELECT i.transaction_id, i.position, ${v.tenant}, g.tag, i.type
         FROM inserted i, bumped s, batch b, jsonb_array_elements_text(b.e->'tags') AS g(tag) WHERE b.n = i.stream_version - s.version + ${v.count}::int)`
    : empty;
  // An uncorrelated subquery runs once, and only when a row is returned (nothing was written otherwise).
  const notify = v.channel ? sql`, (SELECT 1 FROM pg_notify(${v.channel}, NULL)) AS notified` : empty;
  // One row back, not one per event: the positions in version order as one array (parsing one
  // row per event costs the client more than the statement itself).
  return sql`WITH batch AS (SELECT e, n::int AS n FROM jsonb_array_elements(${v.batch}) WITH ORDINALITY AS b(e, n)),
       ${locked},
       bumped AS (${versionCheck}),
       inserted AS (
         INSERT INTO ${events} (transaction_id, ${INSERT_COLUMNS})
         SELECT pg_current_xact_id()::text::bigint, (e->>'id')::uuid, ${key}, s.version - ${v.count}::int + n, e->>'type', (e->>'schema')::int, e->'data', e->'metadata', ${v.at}
         FROM bumped s, batch ORDER BY n
         RETURNING position, event_id, stream_version, transaction_id, type)${outboxRows}${tagRows}
       SELECT array_agg(position ORDER BY stream_version)::text AS positions, max(stream_version) AS version, min(transaction_id) AS transaction_id${notify}
       FROM inserted HAVING count(*) > 0`;
}

/**
 * PostgreSQL: the whole append is one statement, one round trip: the version check, the events,
 * their outbox rows and tags, and the wake-up NOTIFY. The check is a row-locking UPDATE (or an upsert
 * for a new stream): writers of one stream queue on that lock, and a waiter re-checks its
 * condition against the committed version (READ COMMITTED), so it inserts nothing and loses
 * cleanly. The events travel as one JSON array in one bound value (data and metadata are JSON
 * text already, embedded as they are): the text is the same for 1 or 1,000 events, it plans
 * cheaply, and no ORM binds thousands of values.
 */
export function appendInOneStatement(context: StatementContext) {
  return async (executor: SqlExecutor, request: AppendRequest): Promise<AppendOutcome | undefined> => {
    const expected = request.expectedVersion;
    const check: VersionCheck =
      expected === 'no_stream' || expected === 0
        ? 'new'
        : expected === 'any' || expected === 'stream_exists'
          ? expected
          : 'exact';
    const queued = request.events.some((event) => event.outbox);
    const tagged = request.events.some((event) => event.tags.length > 0);
    const batch = `[${request.events
      .map(
        (event) =>
          `{"id":${JSON.stringify(event.eventId)},"type":${JSON.stringify(event.type)},"schema":${event.schemaVersion},"outbox":${event.outbox},"tags":${JSON.stringify(event.tags)},"data":${event.data},"metadata":${event.metadata}}`,
      )
      .join(',')}]`;
    const statement = render(
      appendStatement(
        context,
        { check, queued, tagged },
        {
          tenant: value(request.stream.tenant),
          category: value(request.stream.category),
          stream: value(request.stream.id),
          count: value(request.events.length),
          expected: value(typeof expected === 'number' ? expected : null),
          batch: json(batch),
          at: time(request.recordedAt),
          ...(context.notifyChannel !== undefined && { channel: value(context.notifyChannel) }),
        },
      ),
      context.dialect,
    );
    // The values go in the same order every time, so each variant has one text,
    // prepared once per connection.
    const [row] = await executor.query<AppendedRow>(statement.text, statement.values, PREPARED);
    if (!row) return undefined;
    return {
      version: toNumber(row.version),
      // '{41,42,43}'
      positions: String(row.positions).slice(1, -1).split(',').map(BigInt),
      transactionId: toBigInt(row.transaction_id),
    };
  };
}
