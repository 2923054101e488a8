import type { ConsumerStatus, LogPosition, OldestTransaction, PartitionStatus } from '@es/core';
import type { AnyConsumer, AnyStore } from './application.js';

/** A consumer's status, as an operator reads it. */
export interface ConsumerReport {
  readonly name: string;
  readonly tenant: string;
  readonly status: ConsumerStatus;
  /** How long the oldest event it has yet to handle has waited; null when none. */
  readonly lagMs: number | null;
  /** The instance whose lease is live now; null when none holds it. */
  readonly holder: string | null;
  readonly parked: number;
  /** The global position it is halted at. */
  readonly haltedAt: bigint | null;
  /** The open transaction it waits behind (PostgreSQL), when it has events to read. */
  readonly heldBackBy: OldestTransaction | null;
  /** A partitioned consumer's partitions, in order; undefined for an unpartitioned one. */
  readonly partitions: readonly PartitionReport[] | undefined;
  /** A partitioned consumer's live instances, by owner; undefined for an unpartitioned one. */
  readonly instances: readonly { readonly owner: string; readonly expiresAt: Date }[] | undefined;
}

/** One partition of a partitioned consumer, as an operator reads it. */
export interface PartitionReport {
  readonly partition: number;
  readonly checkpoint: LogPosition | undefined;
  /** Events of this partition after its checkpoint. */
  readonly lag: number;
  /** The instance whose lease on it is live by the database's clock; null when none holds it. */
  readonly holder: string | null;
  /** The last lease taken on it, live or run out. */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
}

const partitionReport = (partition: PartitionStatus): PartitionReport => ({
  partition: partition.partition,
  checkpoint: partition.checkpoint,
  lag: partition.lag,
  holder: partition.held ? partition.leaseOwner : null,
  leaseOwner: partition.leaseOwner,
  leaseExpiresAt: partition.leaseExpiresAt,
});

/** Where the log is held back (PostgreSQL): the oldest open transaction and the committed events behind it. */
export interface HeldBack {
  readonly transaction: OldestTransaction;
  readonly waiting: number;
}

/** Every consumer's status, with where the log is held back if it is. */
export async function consumerReports(
  store: AnyStore,
  consumers: readonly AnyConsumer[],
  now = Date.now(),
): Promise<{ consumers: ConsumerReport[]; heldBack: HeldBack | undefined }> {
  const statuses: { consumer: AnyConsumer; status: ConsumerStatus }[] = [];
  for (const consumer of consumers) statuses.push({ consumer, status: await consumer.status() });
  const heldBack = await heldBackLog(
    store,
    statuses.map(({ status }) => status),
  );
  return {
    heldBack,
    consumers: statuses.map(({ consumer, status }) => {
      const leaseLive = status.leaseExpiresAt !== null && status.leaseExpiresAt.getTime() > now;
      return {
        name: status.name,
        tenant: consumer.key.tenant,
        status,
        lagMs: status.oldestUnhandledAt ? Math.max(0, now - status.oldestUnhandledAt.getTime()) : null,
        holder: leaseLive ? status.leaseOwner : null,
        parked: status.parked.filter((parked) => !parked.halted).length,
        haltedAt: status.parked.find((parked) => parked.halted)?.position ?? null,
        // A consumer with events to read waits for them behind that transaction.
        heldBackBy: heldBack && status.lag > 0 ? heldBack.transaction : null,
        partitions: status.partitions?.map(partitionReport),
        instances: status.instances && [...status.instances].sort((a, b) => a.owner.localeCompare(b.owner)),
      };
    }),
  };
}

/**
 * PostgreSQL: the oldest open transaction and how many committed events wait behind it (at or
 * past the log's horizon, where no reader sees them until it ends); undefined when none wait.
 */
async function heldBackLog(store: AnyStore, statuses: readonly ConsumerStatus[]): Promise<HeldBack | undefined> {
  const status = statuses.find((candidate) => candidate.oldestOpenTransaction);
  if (!status?.oldestOpenTransaction) return undefined;
  const waiting = await store.backend.read((session) => session.countLog(status.head, {}));
  return waiting > 0 ? { transaction: status.oldestOpenTransaction, waiting } : undefined;
}
