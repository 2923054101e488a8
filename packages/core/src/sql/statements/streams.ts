import type { ListStreamsQuery, ReadStreamQuery, StoredEvent, StreamSummary } from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import { type EventRow, toNumber, toStoredEvent } from '../rows.js';
import { empty, list, type SqlFragment, sql, uuid } from '../template.js';
import { eventColumns, execute, query, type StatementContext, streamWhere, table } from './context.js';

/** Reading a stream, its version, and deleting it (the append is in append.ts). */
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
      return rows.map((row) => toStoredEvent(row, read.stream));
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

    /** Keyset pages over the streams' primary key (tenant, category, id), whose order they come in. */
    async listStreams(executor: SqlExecutor, request: ListStreamsQuery): Promise<StreamSummary[]> {
      const { tenant, category, after } = request;
      const rows = await query<{ tenant_id: unknown; category: unknown; stream_id: unknown; version: unknown }>(
        executor,
        context,
        sql`SELECT tenant_id, category, stream_id, version FROM ${streams} WHERE 1 = 1${
          tenant !== undefined ? sql` AND tenant_id = ${tenant}` : empty
        }${category !== undefined ? sql` AND category = ${category}` : empty}${
          after ? sql` AND (tenant_id, category, stream_id) > (${after.tenant}, ${after.category}, ${after.id})` : empty
        } ORDER BY tenant_id, category, stream_id LIMIT ${request.limit}`,
      );
      return rows.map((row) => ({
        stream: { tenant: String(row.tenant_id), category: String(row.category), id: String(row.stream_id) },
        version: toNumber(row.version),
      }));
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
