import type {
  CategorySummary,
  ListCategoriesQuery,
  ListStreamsQuery,
  ReadStreamQuery,
  StoredEvent,
  StreamSummary,
} from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import { type EventRow, toDate, toNumber, toStoredEvent, toStoredEvents } from '../rows.js';
import { empty, list, raw, type SqlFragment, sql, uuid } from '../template.js';
import { eventColumns, execute, query, type StatementContext, streamWhere, table } from './context.js';

/**
 * ` AND` the stream id starts with `prefix`: a range of the primary key (from the prefix to the
 * prefix with its last character raised, so the index bounds the scan) and the exact test.
 */
function prefixRange(prefix: string): SqlFragment {
  const characters = [...prefix];
  const last = characters.pop() as string;
  const raised = (last.codePointAt(0) as number) + 1;
  const below =
    raised <= 0x10ffff && (raised < 0xd800 || raised > 0xdfff)
      ? sql` AND s.stream_id < ${characters.join('') + String.fromCodePoint(raised)}`
      : empty;
  return sql` AND s.stream_id >= ${prefix}${below} AND substr(s.stream_id, 1, ${[...prefix].length}) = ${prefix}`;
}

/** Reading a stream, its version, and deleting it (the append is in append.ts); browsing streams. */
export function streamStatements(context: StatementContext) {
  const { dialect } = context;
  const events = table(context, 'events');
  const streams = table(context, 'streams');

  const streamVersion = async (executor: SqlExecutor, stream: StreamKey): Promise<number> => {
    const rows = await query<{ version: unknown }>(
      executor,
      context,
      sql`SELECT version FROM ${streams} WHERE ${streamWhere(stream)}`,
      PREPARED,
    );
    return rows[0] ? toNumber(rows[0].version) : 0;
  };

  return {
    async findEventIds(executor: SqlExecutor, eventIds: readonly string[]): Promise<string[]> {
      const rows = await query<{ event_id: unknown }>(
        executor,
        context,
        sql`SELECT event_id FROM ${events} WHERE event_id IN (${list(eventIds.map(uuid))})`,
      );
      return rows.map((row) => String(row.event_id));
    },

    async readStream(executor: SqlExecutor, read: ReadStreamQuery): Promise<StoredEvent[]> {
      const from = read.fromVersion !== undefined ? sql` AND stream_version >= ${read.fromVersion}` : empty;
      const to = read.toVersion !== undefined ? sql` AND stream_version <= ${read.toVersion}` : empty;
      const order: SqlFragment = read.direction === 'backwards' ? sql`DESC` : sql`ASC`;
      const limit = read.limit !== undefined ? sql` LIMIT ${read.limit}` : empty;
      const rows = await query<EventRow>(
        executor,
        context,
        sql`SELECT ${eventColumns(context, undefined, false)} FROM ${events} WHERE ${streamWhere(read.stream)}${from}${to} ORDER BY stream_version ${order}${limit}`,
        PREPARED,
      );
      return toStoredEvents(rows, read.stream);
    },

    streamVersion,

    /**
     * The stream's version as last committed, for a ConcurrencyError's `actual`, even inside a
     * transaction whose snapshot is older: on MySQL (repeatable read) a locking read sees the
     * latest commit where a plain one in a transaction that has read already sees its snapshot.
     */
    async latestStreamVersion(executor: SqlExecutor, stream: StreamKey): Promise<number> {
      if (dialect.name !== 'mysql') return streamVersion(executor, stream);
      const rows = await query<{ version: unknown }>(
        executor,
        context,
        sql`SELECT version FROM ${streams} WHERE ${streamWhere(stream)} FOR UPDATE`,
      );
      return rows[0] ? toNumber(rows[0].version) : 0;
    },

    /**
     * Keyset pages over the streams' primary key (tenant, category, id), whose order they come in;
     * each stream's last event (for its time) found through the events' (stream, version) key.
     */
    async listStreams(executor: SqlExecutor, request: ListStreamsQuery): Promise<StreamSummary[]> {
      const { tenant, category, after, idPrefix } = request;
      const rows = await query<{
        tenant_id: unknown;
        category: unknown;
        stream_id: unknown;
        version: unknown;
        updated_at: unknown;
      }>(
        executor,
        context,
        sql`SELECT s.tenant_id, s.category, s.stream_id, s.version, ${raw(dialect.selectTime('e.recorded_at'))} AS updated_at
       FROM ${streams} s JOIN ${events} e ON e.tenant_id = s.tenant_id AND e.category = s.category AND e.stream_id = s.stream_id AND e.stream_version = s.version
       WHERE 1 = 1${tenant !== undefined ? sql` AND s.tenant_id = ${tenant}` : empty}${
         category !== undefined ? sql` AND s.category = ${category}` : empty
       }${idPrefix ? prefixRange(idPrefix) : empty}${
         after
           ? sql` AND (s.tenant_id, s.category, s.stream_id) > (${after.tenant}, ${after.category}, ${after.id})`
           : empty
       } ORDER BY s.tenant_id, s.category, s.stream_id LIMIT ${request.limit}`,
      );
      return rows.map((row) => ({
        stream: { tenant: String(row.tenant_id), category: String(row.category), id: String(row.stream_id) },
        version: toNumber(row.version),
        updatedAt: toDate(row.updated_at),
      }));
    },

    /**
     * Each next (tenant, category) is one probe of the streams' primary key past the one before,
     * and each count reads at most `countUpTo` of its entries in key order (ordered, so a large
     * category is not planned as a table scan that stops at the limit): the cost follows the page,
     * never the number of streams.
     */
    async listCategories(executor: SqlExecutor, request: ListCategoriesQuery): Promise<CategorySummary[]> {
      const found: CategorySummary[] = [];
      let after = request.after;
      while (found.length < request.limit) {
        const [row] = await query<{ tenant_id: unknown; category: unknown }>(
          executor,
          context,
          sql`SELECT tenant_id, category FROM ${streams} WHERE 1 = 1${
            request.tenant !== undefined ? sql` AND tenant_id = ${request.tenant}` : empty
          }${after ? sql` AND (tenant_id, category) > (${after.tenant}, ${after.category})` : empty} ORDER BY tenant_id, category LIMIT 1`,
        );
        if (!row) break;
        after = { tenant: String(row.tenant_id), category: String(row.category) };
        const [count] = await query<{ n: unknown }>(
          executor,
          context,
          sql`SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM ${streams} WHERE tenant_id = ${after.tenant} AND category = ${after.category} ORDER BY tenant_id, category, stream_id LIMIT ${request.countUpTo}) counted`,
        );
        found.push({ ...after, streams: toNumber(count?.n ?? 0) });
      }
      return found;
    },

    async readEvent(executor: SqlExecutor, eventId: string): Promise<StoredEvent | undefined> {
      const [row] = await query<EventRow>(
        executor,
        context,
        sql`SELECT ${eventColumns(context)} FROM ${events} WHERE event_id = ${uuid(eventId)}`,
      );
      return row ? toStoredEvent(row) : undefined;
    },

    async deleteStream(executor: SqlExecutor, stream: StreamKey): Promise<boolean> {
      const run = (role: 'outbox' | 'snapshots' | 'events' | 'streams') =>
        execute(executor, context, sql`DELETE FROM ${table(context, role)} WHERE ${streamWhere(stream)}`);
      await run('outbox');
      await run('snapshots');
      // The tags table has no foreign key: its rows go with their events.
      await execute(
        executor,
        context,
        sql`DELETE FROM ${table(context, 'tags')} WHERE position IN (SELECT position FROM ${events} WHERE ${streamWhere(stream)})`,
      );
      const deletedEvents = await run('events');
      const deletedStreams = await run('streams');
      return deletedEvents + deletedStreams > 0;
    },
  };
}
