import { createHash } from 'node:crypto';
import type { ConsumerKey, ConsumerRow } from '../../backend/index.js';
import { ascending } from '../../util/order.js';
import { ConsumerPartitionsChangedError } from '../errors.js';

/**
 * Where a partitioned consumer keeps its state, in the checkpoints table (no table of its own):
 * `name#p/P` is partition p's checkpoint and lease (and its parked events), `name#member/<hash>`
 * an instance's membership, its lease its liveness. User names cannot hold `#`, so these rows
 * never meet another consumer's.
 */
export const partitionKeyName = (name: string, partition: number, partitions: number) =>
  `${name}#${partition}/${partitions}`;

export const memberKeyName = (name: string, owner: string) =>
  `${name}#member/${createHash('sha256').update(owner).digest('hex').slice(0, 16)}`;

/** Every row of a partitioned consumer starts with this. */
export const rowsPrefix = (name: string) => `${name}#`;

const PARTITION_ROW = /^(\d+)\/(\d+)$/;
const MEMBER_ROW = /^member\//;

/** Partition p of P, when `rest` (a row's name after `rowsPrefix`) names a partition's row. */
function partitionOf(rest: string): { partition: number; count: number } | undefined {
  const found = PARTITION_ROW.exec(rest);
  return found ? { partition: Number(found[1]), count: Number(found[2]) } : undefined;
}

/** A partitioned consumer's rows, read in one `listConsumers`. */
export interface PartitionLayout {
  /** Partition rows of the expected count, by partition. */
  readonly partitions: ReadonlyMap<number, ConsumerRow>;
  /** Live members, sorted by owner. */
  readonly members: readonly ConsumerRow[];
  /** Membership rows whose lease ran out. */
  readonly deadMembers: readonly ConsumerKey[];
  /** Partition counts of rows of another count than expected. */
  readonly otherCounts: readonly number[];
}

/** Sorts `rows` of consumer `name` into partitions and members. */
export function readLayout(tenant: string, name: string, partitions: number, rows: readonly ConsumerRow[]) {
  const prefix = rowsPrefix(name);
  const byPartition = new Map<number, ConsumerRow>();
  const members: ConsumerRow[] = [];
  const deadMembers: ConsumerKey[] = [];
  const otherCounts = new Set<number>();
  for (const row of rows) {
    const rest = row.name.slice(prefix.length);
    const partition = partitionOf(rest);
    if (partition) {
      if (partition.count === partitions) byPartition.set(partition.partition, row);
      else otherCounts.add(partition.count);
    } else if (MEMBER_ROW.test(rest)) {
      if (row.leaseLive && row.leaseOwner !== null) members.push(row);
      else deadMembers.push({ tenant, name: row.name });
    }
  }
  members.sort((a, b) => ascending(a.leaseOwner ?? '', b.leaseOwner ?? ''));
  return { partitions: byPartition, members, deadMembers, otherCounts: [...otherCounts] } satisfies PartitionLayout;
}

/** Refuses to run `partitions` partitions over rows stored with another count. */
export function assertSameCount(name: string, partitions: number, layout: PartitionLayout): void {
  const [other] = layout.otherCounts;
  if (other !== undefined) throw new ConsumerPartitionsChangedError(name, other, partitions);
}

/** The partition count of rows of a partitioned consumer `name`, if any (for an unpartitioned one). */
export function storedPartitionCount(name: string, rows: readonly ConsumerRow[]): number | undefined {
  const prefix = rowsPrefix(name);
  for (const row of rows) {
    const partition = partitionOf(row.name.slice(prefix.length));
    if (partition) return partition.count;
  }
  return undefined;
}

/**
 * How many partitions the member `owner` should hold: members sorted by owner, member i gets
 * floor(P/M), plus one while i < P mod M. Every member computes the same shares from the same rows.
 */
export function shareOf(owners: readonly string[], owner: string, partitions: number): number {
  const index = owners.indexOf(owner);
  const count = owners.length;
  if (index < 0 || count === 0) return 0;
  return Math.floor(partitions / count) + (index < partitions % count ? 1 : 0);
}
