import type { ListOutboxQuery, OutboxCounts, OutboxEntry, OutboxRow } from '../../backend/index.js';
import type { SqlExecutor } from '../executor.js';
import { type EventRow, toBigInt, toDate, toNumber, toStoredEvent } from '../rows.js';
import { bigint, empty, join, list, raw, type SqlFragment, sql, time } from '../template.js';
import { eventColumns, execute, query, type StatementContext, table } from './context.js';

type HeadRow = { id: unknown; tenant_id: unknown; category: unknown; stream_id: unknown };

/** ` AND tenant_id = ...` for a relay working on one tenant's rows; nothing for one on all. */
function onlyTenant(tenant: string | undefined, alias = ''): SqlFragment {
  return tenant === undefined ? empty : sql` AND ${raw(alias)}tenant_id = ${tenant}`;
}

/** ` AND id IN (...)` for the ids given; nothing when all are meant. */
function onlyIds(ids: readonly bigint[] | undefined): SqlFragment {
  return ids ? sql` AND id IN (${list(ids.map(bigint))})` : empty;
}

/** The outbox relay's claims, completions, failures, and the dead rows an operator handles. */
export function outboxStatements(context: StatementContext) {
  const { dialect } = context;
  const outbox = table(context, 'outbox');
  const events = table(context, 'events');
  const byPrimaryKey = raw(dialect.byPrimaryKey);
  const skipLocked = raw(dialect.skipLocked);
  return {
    async claimOutbox(
      executor: SqlExecutor,
      owner: string,
      now: Date,
      leaseUntil: Date,
      limit: number,
      tenant?: string,
    ): Promise<OutboxEntry[]> {
      // A row never claimed is due at once: its first due time is the appender's clock, not the
      // database's, and an appender whose clock runs ahead must not hold its rows back.
      // 1. Candidate heads: each stream's first row, if it is due (a plain read, so no row another
      //    relay is locking is skipped). The first rows come from one pass over the stream index
      //    (MIN per stream), not a probe per pending row; the cost still grows with the backlog.
      const heads = await query<HeadRow>(
        executor,
        context,
        sql`SELECT o.id, o.tenant_id, o.category, o.stream_id FROM ${outbox} o
       WHERE o.id IN (SELECT MIN(id) FROM ${outbox} GROUP BY tenant_id, category, stream_id)
         AND o.status = 'pending' AND (o.attempts = 0 OR o.next_attempt_at <= ${time(now)})${onlyTenant(tenant, 'o.')}
       ORDER BY o.id LIMIT ${limit}`,
      );
      if (heads.length === 0) return [];
      // 2. Lock them, skipping any another relay is claiming; re-check they are still due.
      const locked = await query<HeadRow>(
        executor,
        context,
        sql`SELECT id, tenant_id, category, stream_id FROM ${outbox}${byPrimaryKey}
       WHERE id IN (${list(heads.map((row) => bigint(toBigInt(row.id))))})
         AND status = 'pending' AND (attempts = 0 OR next_attempt_at <= ${time(now)})
       ORDER BY id${skipLocked}`,
      );
      if (locked.length === 0) return [];
      // 3. The rows behind each claimed head, in order. Nobody else claims rows behind a head, but
      //    they are read plainly and then locked by primary key like the heads: locking a range
      //    would take gap locks on MySQL and deadlock with appenders inserting outbox rows.
      const streams = join(
        locked.map((row) => sql`(${list([String(row.tenant_id), String(row.category), String(row.stream_id)])})`),
        ', ',
      );
      const behind = await query<{ id: unknown }>(
        executor,
        context,
        sql`SELECT id FROM ${outbox} WHERE (tenant_id, category, stream_id) IN (${streams}) AND status = 'pending'
       ORDER BY id LIMIT ${Math.max(limit, locked.length)}`,
      );
      const headIds = new Set(locked.map((row) => toBigInt(row.id)));
      const followers = behind.map((row) => toBigInt(row.id)).filter((id) => !headIds.has(id));
      let lockedFollowers: bigint[] = [];
      if (followers.length > 0) {
        const rows = await query<{ id: unknown }>(
          executor,
          context,
          sql`SELECT id FROM ${outbox}${byPrimaryKey} WHERE id IN (${list(followers.map(bigint))}) AND status = 'pending' ORDER BY id${skipLocked}`,
        );
        lockedFollowers = rows.map((row) => toBigInt(row.id));
      }
      const ids = [...headIds, ...lockedFollowers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      // 4. Claim, then read them back with their events.
      await execute(
        executor,
        context,
        sql`UPDATE ${outbox} SET claimed_by = ${owner}, next_attempt_at = ${time(leaseUntil)}, attempts = attempts + 1 WHERE id IN (${list(ids.map(bigint))})`,
      );
      const entries = await query<EventRow & { outbox_id: unknown; attempts: unknown }>(
        executor,
        context,
        sql`SELECT o.id AS outbox_id, o.attempts, ${eventColumns(context, 'e')} FROM ${outbox} o JOIN ${events} e ON e.position = o.position WHERE o.id IN (${list(ids.map(bigint))}) ORDER BY o.id`,
      );
      return entries.map((row) => ({
        id: toBigInt(row.outbox_id),
        attempts: toNumber(row.attempts),
        event: toStoredEvent(row),
      }));
    },

    async completeOutbox(executor: SqlExecutor, owner: string, ids: readonly bigint[]): Promise<void> {
      if (ids.length === 0) return;
      await execute(
        executor,
        context,
        sql`DELETE FROM ${outbox} WHERE id IN (${list(ids.map(bigint))}) AND claimed_by = ${owner}`,
      );
    },

    async failOutbox(executor: SqlExecutor, owner: string, id: bigint, error: string, retryAt: Date | null) {
      const next = retryAt ? sql`, next_attempt_at = ${time(retryAt)}` : empty;
      await execute(
        executor,
        context,
        sql`UPDATE ${outbox} SET claimed_by = NULL, last_error = ${error.slice(0, 4000)}, status = ${retryAt ? 'pending' : 'dead'}${next} WHERE id = ${bigint(id)} AND claimed_by = ${owner}`,
      );
    },

    async releaseOutbox(executor: SqlExecutor, owner: string, ids: readonly bigint[], now: Date): Promise<void> {
      if (ids.length === 0) return;
      await execute(
        executor,
        context,
        sql`UPDATE ${outbox} SET claimed_by = NULL, next_attempt_at = ${time(now)}, attempts = attempts - 1
       WHERE id IN (${list(ids.map(bigint))}) AND claimed_by = ${owner}`,
      );
    },

    /** Pending or dead rows with their events, in id order (the outbox's primary key). */
    async listOutbox(executor: SqlExecutor, request: ListOutboxQuery): Promise<OutboxRow[]> {
      const rows = await query<
        EventRow & { outbox_id: unknown; attempts: unknown; last_error: unknown; next_attempt_at: unknown }
      >(
        executor,
        context,
        sql`SELECT o.id AS outbox_id, o.attempts, o.last_error, ${raw(dialect.selectTime('o.next_attempt_at'))} AS next_attempt_at, ${eventColumns(context, 'e')} FROM ${outbox} o JOIN ${events} e ON e.position = o.position
       WHERE o.status = ${request.status}${onlyTenant(request.tenant, 'o.')}${
         request.after !== undefined ? sql` AND o.id > ${bigint(request.after)}` : empty
       } ORDER BY o.id LIMIT ${request.limit}`,
      );
      return rows.map((row) => ({
        id: toBigInt(row.outbox_id),
        status: request.status,
        attempts: toNumber(row.attempts),
        lastError: row.last_error === null || row.last_error === undefined ? null : String(row.last_error),
        nextAttemptAt: request.status === 'pending' ? toDate(row.next_attempt_at) : null,
        event: toStoredEvent(row),
      }));
    },

    reviveDeadOutbox(executor: SqlExecutor, ids: readonly bigint[] | undefined, now: Date, tenant?: string) {
      return execute(
        executor,
        context,
        sql`UPDATE ${outbox} SET status = 'pending', attempts = 0, claimed_by = NULL, next_attempt_at = ${time(now)} WHERE status = 'dead'${onlyIds(ids)}${onlyTenant(tenant)}`,
      );
    },

    purgeDeadOutbox(executor: SqlExecutor, ids: readonly bigint[] | undefined, tenant?: string): Promise<number> {
      return execute(
        executor,
        context,
        sql`DELETE FROM ${outbox} WHERE status = 'dead'${onlyIds(ids)}${onlyTenant(tenant)}`,
      );
    },

    async countOutbox(executor: SqlExecutor, tenant?: string): Promise<OutboxCounts> {
      const rows = await query<{ status: unknown; n: unknown; oldest: unknown }>(
        executor,
        context,
        sql`SELECT status, COUNT(*) AS n, ${raw(dialect.selectTime('MIN(created_at)'))} AS oldest FROM ${outbox} WHERE 1 = 1${onlyTenant(tenant)} GROUP BY status`,
      );
      const row = (status: string) => rows.find((candidate) => candidate.status === status);
      const pending = row('pending');
      return {
        pending: toNumber(pending?.n ?? 0),
        dead: toNumber(row('dead')?.n ?? 0),
        oldestPendingAt: pending ? toDate(pending.oldest) : null,
      };
    },
  };
}
