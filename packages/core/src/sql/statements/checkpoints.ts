import type { ConsumerCheckpoint, ConsumerKey, ConsumerRow, LogPosition } from '../../backend/index.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import { toBigInt, toDate } from '../rows.js';
import { bigint, raw, type SqlFragment, sql, time } from '../template.js';
import { consumerWhere, execute, query, type StatementContext, table } from './context.js';

interface CheckpointRow {
  transaction_id: unknown;
  position: unknown;
  lease_owner: unknown;
  lease_expires_at: unknown;
  updated_at: unknown;
}

function toCheckpoint(row: CheckpointRow): ConsumerCheckpoint {
  return {
    position: { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) },
    leaseOwner: row.lease_owner === null || row.lease_owner === undefined ? null : String(row.lease_owner),
    leaseExpiresAt:
      row.lease_expires_at === null || row.lease_expires_at === undefined ? null : toDate(row.lease_expires_at),
    // A row never stored has no time; rows of earlier versions marked it with the epoch.
    isNew: row.updated_at === null || row.updated_at === undefined || toDate(row.updated_at).getTime() === 0,
  };
}

/** Takes `consumer`'s lease for `owner` if it is free, expired or already `owner`'s; undefined if held. */
type ClaimConsumer = (
  executor: SqlExecutor,
  consumer: ConsumerKey,
  owner: string,
  leaseMs: number,
) => Promise<ConsumerCheckpoint | undefined>;

/** Consumers' checkpoints and leases, judged by the database's clock. */
export function checkpointStatements(context: StatementContext) {
  const { dialect } = context;
  const checkpoints = table(context, 'checkpoints');
  const now = raw(dialect.currentTime);
  const selectNow = raw(dialect.selectTime(dialect.currentTime));
  const columns = raw(
    `transaction_id, position, lease_owner, ${dialect.selectTime('lease_expires_at')} AS lease_expires_at, ${dialect.selectTime('updated_at')} AS updated_at`,
  );

  /**
   * PostgreSQL: one statement instead of three (create the row, lock it, take the lease): the
   * upsert locks the row, and its WHERE is checked against the latest committed lease, so of two
   * claimers racing for a free consumer one gets the row back and the other none.
   */
  const claimInOneStatement: ClaimConsumer = async (executor, consumer, owner, leaseMs) => {
    const [row] = await query<CheckpointRow>(
      executor,
      context,
      sql`INSERT INTO ${checkpoints} AS c (tenant_id, consumer, transaction_id, position, lease_owner, lease_expires_at)
       VALUES (${consumer.tenant}, ${consumer.name}, 0, 0, ${owner}, clock_timestamp() + make_interval(secs => ${leaseMs}::float8 / 1000))
       ON CONFLICT (tenant_id, consumer) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_expires_at = EXCLUDED.lease_expires_at
       WHERE c.lease_owner IS NULL OR c.lease_owner = EXCLUDED.lease_owner OR c.lease_expires_at IS NULL OR c.lease_expires_at <= clock_timestamp()
       RETURNING ${columns}`,
      PREPARED,
    );
    return row ? toCheckpoint(row) : undefined;
  };

  /** Elsewhere: make sure the row exists, lock it, and take the lease if it is free or expired. */
  const claimInThree: ClaimConsumer = async (executor, consumer, owner, leaseMs) => {
    // updated_at stays NULL until a checkpoint is stored: the consumer picks its start then.
    const ignore = raw(dialect.ignoreDuplicate(['tenant_id', 'consumer']));
    await execute(
      executor,
      context,
      sql`INSERT INTO ${checkpoints} (tenant_id, consumer, transaction_id, position) VALUES (${consumer.tenant}, ${consumer.name}, 0, 0) ${ignore}`,
      PREPARED,
    );
    const [row] = await query<CheckpointRow & { now: unknown }>(
      executor,
      context,
      sql`SELECT ${columns}, ${selectNow} AS now FROM ${checkpoints} WHERE ${consumerWhere(consumer)}${raw(dialect.forUpdate)}`,
      PREPARED,
    );
    if (!row) return undefined;
    const current = toCheckpoint(row);
    const databaseNow = toDate(row.now);
    const heldByOther =
      current.leaseOwner !== null &&
      current.leaseOwner !== owner &&
      (current.leaseExpiresAt?.getTime() ?? 0) > databaseNow.getTime();
    if (heldByOther) return undefined;
    const expiresAt = new Date(databaseNow.getTime() + leaseMs);
    await execute(
      executor,
      context,
      sql`UPDATE ${checkpoints} SET lease_owner = ${owner}, lease_expires_at = ${time(expiresAt)} WHERE ${consumerWhere(consumer)}`,
      PREPARED,
    );
    return { ...current, leaseOwner: owner, leaseExpiresAt: expiresAt };
  };

  const at = (position: LogPosition): SqlFragment =>
    sql`transaction_id = ${bigint(position.transactionId)} AND position = ${bigint(position.position)}`;

  return {
    async now(executor: SqlExecutor): Promise<Date> {
      const [row] = await query<{ now: unknown }>(executor, context, sql`SELECT ${selectNow} AS now`, PREPARED);
      return toDate(row?.now);
    },

    claimConsumer: dialect.name === 'postgres' ? claimInOneStatement : claimInThree,

    async storeCheckpoint(
      executor: SqlExecutor,
      consumer: ConsumerKey,
      owner: string,
      from: LogPosition,
      to: LogPosition,
    ): Promise<boolean> {
      const moved = await execute(
        executor,
        context,
        sql`UPDATE ${checkpoints} SET transaction_id = ${bigint(to.transactionId)}, position = ${bigint(to.position)}, updated_at = ${now}
       WHERE ${consumerWhere(consumer)} AND lease_owner = ${owner} AND ${at(from)}`,
        PREPARED,
      );
      return moved > 0;
    },

    async releaseConsumer(executor: SqlExecutor, consumer: ConsumerKey, owner: string): Promise<void> {
      await execute(
        executor,
        context,
        sql`UPDATE ${checkpoints} SET lease_owner = NULL, lease_expires_at = NULL WHERE ${consumerWhere(consumer)} AND lease_owner = ${owner}`,
        PREPARED,
      );
    },

    async readCheckpoint(executor: SqlExecutor, consumer: ConsumerKey): Promise<ConsumerCheckpoint | undefined> {
      const [row] = await query<CheckpointRow>(
        executor,
        context,
        sql`SELECT ${columns} FROM ${checkpoints} WHERE ${consumerWhere(consumer)}`,
        PREPARED,
      );
      return row ? toCheckpoint(row) : undefined;
    },

    /**
     * The prefix is compared as a substring, not with LIKE, so `_` and `%` in a name match only
     * themselves. Liveness is judged against the database's time, read in the same statement.
     */
    async listConsumers(executor: SqlExecutor, tenant: string, prefix: string): Promise<ConsumerRow[]> {
      const rows = await query<CheckpointRow & { consumer: unknown; now: unknown }>(
        executor,
        context,
        sql`SELECT consumer, ${columns}, ${selectNow} AS now FROM ${checkpoints}
       WHERE tenant_id = ${tenant} AND SUBSTR(consumer, 1, ${prefix.length}) = ${prefix} ORDER BY consumer`,
        PREPARED,
      );
      return rows.map((row) => {
        const checkpoint = toCheckpoint(row);
        const expiresAt = checkpoint.leaseExpiresAt?.getTime();
        return {
          ...checkpoint,
          name: String(row.consumer),
          leaseLive: checkpoint.leaseOwner !== null && expiresAt !== undefined && expiresAt > toDate(row.now).getTime(),
        };
      });
    },

    async deleteConsumer(executor: SqlExecutor, consumer: ConsumerKey, owner?: string): Promise<boolean> {
      const holds =
        owner === undefined
          ? sql`(lease_expires_at IS NULL OR lease_expires_at <= ${now})`
          : sql`lease_owner = ${owner}`;
      const deleted = await execute(
        executor,
        context,
        sql`DELETE FROM ${checkpoints} WHERE ${consumerWhere(consumer)} AND ${holds}`,
        PREPARED,
      );
      return deleted > 0;
    },
  };
}
