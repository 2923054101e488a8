import { InvalidArgumentError } from '../../errors/index.js';
import type { StreamKey } from '../../streams/index.js';

/** The partition counts a partitioned consumer accepts. */
export const PARTITIONS_RANGE = { min: 2, max: 256 } as const;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. */
function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash;
}

/** Refuses a partition count outside 2..256 or not an integer. */
export function assertPartitionCount(partitions: unknown): asserts partitions is number {
  if (
    typeof partitions !== 'number' ||
    !Number.isSafeInteger(partitions) ||
    partitions < PARTITIONS_RANGE.min ||
    partitions > PARTITIONS_RANGE.max
  ) {
    throw new InvalidArgumentError(
      `partitions must be an integer from ${PARTITIONS_RANGE.min} to ${PARTITIONS_RANGE.max}; got ${String(partitions)}`,
    );
  }
}

/**
 * The partition (0..partitions-1) of a partitioned consumer that handles the events of `stream`:
 * FNV-1a 32-bit over the UTF-8 bytes of `tenant + '\0' + category + '\0' + id`, modulo the count.
 * Every event of a stream lands in one partition, so one instance at a time handles a stream, in
 * version order. The function is part of the stored layout: changing it moves streams between
 * partitions, like changing the count does.
 */
export function partitionOf(stream: Pick<StreamKey, 'tenant' | 'category' | 'id'>, partitions: number): number {
  assertPartitionCount(partitions);
  return partitionIndex(stream, partitions);
}

/** `partitionOf` without checking the count again, for a consumer's filter that checked it once. */
export function partitionIndex(stream: Pick<StreamKey, 'tenant' | 'category' | 'id'>, partitions: number): number {
  return fnv1a32(`${stream.tenant}\u0000${stream.category}\u0000${stream.id}`) % partitions;
}
