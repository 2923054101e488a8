export * from './consumer.js';
export * from './errors.js';
export type { ConsumerFailurePolicy } from './failures.js';
export * from './options.js';
export { PARTITIONS_RANGE, partitionOf } from './partitions/partitionOf.js';
