import type { ListOutboxQuery, OutboxCounts, OutboxEntry, OutboxRow } from '../../backend/index.js';
import { ascending } from '../../util/order.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import { type EventRow, toBigInt, toDate, toNumber, toStoredEvent } from '../rows.js';
import { bigint, empty, join, list, raw, type SqlFragment, sql, time } from '../template.js';
import { eventColumns, execute, query, type StatementContext, table } from './context.js';
import { pgArray } from './pgArray.js';

type HeadRow = { id: unknown; tenant_id: unknown; category: unknown; stream_id: unknown };

/** ` AND tenant_id = ...` for a relay working on one tenant's rows; nothing for one on all. */
function onlyTenant(tenant: string | undefined, alias = ''): SqlFragment {
  return tenant === undefined ? empty : sql` AND ${raw(alias)}tenant_id = ${tenant}`;
}

/** ` AND id IN (...)` for the ids given; nothing when all are meant. */
function onlyIds(ids: readonly bigint[] | undefined): SqlFragment {
  return ids ? sql` AND id IN (${list(ids.map(bigint))})` : empty;
}

/** A row's stream, as a key. */
const streamOf = (row: HeadRow) =>
  `${String(row.tenant_id)}\u0000${String(row.category)}\u0000${String(row.stream_id)}`;

/** The outbox relay's claims, completions, failures, and the dead rows an operator handles. */
export function outboxStatements(context: StatementContext) {
  const { dialect } = context;
  const outbox = table(context, 'outbox');
  const events = table(context, 'events');
  const byPrimaryKey = raw(dialect.byPrimaryKey);
  const skipLocked = raw(dialect.skipLocked);
  // A row never claimed is due at once: its first due time is the appender's clock, not the
  // database's, and an appender whose clock runs ahead must not hold its rows back.
  const due = (now: Date, alias = '') =>
    sql`(${raw(alias)}attempts = 0 OR ${raw(alias)}next_attempt_at <= ${time(now)})`;
  /**
   * `IN (...)` over a batch's ids. On SQLite they go as one JSON array (`json_each`), on PostgreSQL
   * as one array (`= ANY`), so the text is the same whatever their number and is prepared once
   * (`batchHint`): a relay's lock, claim, read and delete were otherwise texts compiled or planned
   * anew at every batch. On MySQL one placeholder each.
   */
  const inIds = (ids: readonly bigint[]): SqlFragment => {
    switch (dialect.name) {
      case 'sqlite':
        return sql`IN (SELECT value FROM json_each(${`[${ids.join(',')}]`}))`;
      case 'postgres':
        return sql`= ANY(${pgArray(ids.map(String))}::bigint[])`;
      default:
        return sql`IN (${list(ids.map(bigint))})`;
    }
  };
  const batchHint = dialect.name === 'mysql' ? undefined : PREPARED;

  /**
   * Locks `candidates` (ids in order, each with its stream), skipping rows another relay is
   * claiming, and re-checks they are still due; a candidate that did not lock holds back the rows
   * of its stream after it. SQLite's write transaction already holds the whole database.
   */
  async function lockInOrder(executor: SqlExecutor, now: Date, candidates: readonly HeadRow[]): Promise<bigint[]> {
    const ids = candidates.map((row) => toBigInt(row.id));
    if (dialect.name === 'sqlite' || ids.length === 0) return ids;
    const rows = await query<{ id: unknown }>(
      executor,
      context,
      sql`SELECT id FROM ${outbox}${byPrimaryKey} WHERE id ${inIds(ids)} AND status = 'pending' AND ${due(now)} ORDER BY id${skipLocked}`,
      batchHint,
    );
    const locked = new Set(rows.map((row) => toBigInt(row.id)));
    const lost = new Set<string>();
    return candidates.flatMap((row) => {
      const stream = streamOf(row);
      if (!lost.has(stream) && locked.has(toBigInt(row.id))) return [toBigInt(row.id)];
      lost.add(stream);
      return [];
    });
  }

  /**
   * The usual case, in one pass over the first `limit` rows in id order (a plain read): a pending,
   * due row is claimable unless a row of its stream before it is not (one waiting for its retry,
   * claimed by a relay whose lease runs, or dead). Undefined when none is, so that rows further on
   * are looked for by their streams' heads.
   */
  async function claimableInOrder(
    executor: SqlExecutor,
    now: Date,
    limit: number,
    tenant: string | undefined,
  ): Promise<bigint[] | undefined> {
    const window = await query<HeadRow & { due: unknown }>(
      executor,
      context,
      sql`SELECT id, tenant_id, category, stream_id, CASE WHEN status = 'pending' AND ${due(now)} THEN 1 ELSE 0 END AS due
       FROM ${outbox}${tenant === undefined ? empty : sql` WHERE tenant_id = ${tenant}`} ORDER BY id LIMIT ${limit}`,
      PREPARED,
    );
    const held = new Set<string>();
    const candidates = window.filter((row) => {
      const stream = streamOf(row);
      if (held.has(stream)) return false;
      if (toNumber(row.due) === 1) return true;
      held.add(stream);
      return false;
    });
    if (candidates.length === 0) return undefined;
    const ids = await lockInOrder(executor, now, candidates);
    return ids.length > 0 ? ids : undefined;
  }

  /**
   * When the first pending rows are all held back: each stream's first row (its head), if it is
   * due, then the rows behind the heads that locked, in order. The heads come from one pass over
   * the stream index (MIN per stream), so the cost grows with the backlog.
   */
  async function claimableByHeads(
    executor: SqlExecutor,
    now: Date,
    limit: number,
    tenant: string | undefined,
  ): Promise<bigint[]> {
    const heads = await query<HeadRow>(
      executor,
      context,
      sql`SELECT o.id, o.tenant_id, o.category, o.stream_id FROM ${outbox} o
       WHERE o.id IN (SELECT MIN(id) FROM ${outbox} GROUP BY tenant_id, category, stream_id)
         AND o.status = 'pending' AND ${due(now, 'o.')}${onlyTenant(tenant, 'o.')}
       ORDER BY o.id LIMIT ${limit}`,
    );
    const headIds = await lockInOrder(executor, now, heads);
    if (headIds.length === 0) return [];
    const heldHeads = new Set(headIds);
    const locked = heads.filter((row) => heldHeads.has(toBigInt(row.id)));
    // The rows behind the heads are read plainly and then locked by primary key like the heads
    // (locking a range would take gap locks on MySQL and deadlock with appenders inserting outbox
    // rows). Another relay's window may hold some of them locked without claiming them: the rows
    // of a stream after one that did not lock stay behind.
    const streams = join(
      locked.map((row) => sql`(${list([String(row.tenant_id), String(row.category), String(row.stream_id)])})`),
      ', ',
    );
    const behind = await query<HeadRow>(
      executor,
      context,
      sql`SELECT id, tenant_id, category, stream_id FROM ${outbox} WHERE (tenant_id, category, stream_id) IN (${streams}) AND status = 'pending'
       ORDER BY id LIMIT ${Math.max(limit, locked.length)}`,
    );
    const followers = await lockInOrder(
      executor,
      now,
      behind.filter((row) => !heldHeads.has(toBigInt(row.id))),
    );
    return [...headIds, ...followers].sort(ascending);
  }

  return {
    async claimOutbox(
      executor: SqlExecutor,
      owner: string,
      now: Date,
      leaseUntil: Date,
      limit: number,
      tenant?: string,
    ): Promise<OutboxEntry[]> {
      const ids =
        (await claimableInOrder(executor, now, limit, tenant)) ??
        (await claimableByHeads(executor, now, limit, tenant));
      if (ids.length === 0) return [];
      // Claim, then read them back with their events.
      await execute(
        executor,
        context,
        sql`UPDATE ${outbox} SET claimed_by = ${owner}, next_attempt_at = ${time(leaseUntil)}, attempts = attempts + 1 WHERE id ${inIds(ids)}`,
        batchHint,
      );
      const entries = await query<EventRow & { outbox_id: unknown; attempts: unknown }>(
        executor,
        context,
        sql`SELECT o.id AS outbox_id, o.attempts, ${eventColumns(context, 'e')} FROM ${outbox} o JOIN ${events} e ON e.position = o.position WHERE o.id ${inIds(ids)} ORDER BY o.id`,
        batchHint,
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
        sql`DELETE FROM ${outbox} WHERE id ${inIds(ids)} AND claimed_by = ${owner}`,
        batchHint,
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
       WHERE id ${inIds(ids)} AND claimed_by = ${owner}`,
        batchHint,
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
