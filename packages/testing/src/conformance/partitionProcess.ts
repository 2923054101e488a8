// One instance of a partitioned consumer in its own OS process, for the partition suite's
// multi-process and clock-skew tests: `node partitionProcess.js <targetModule> <options as JSON>`.
// It runs `handledProjection` and tells the parent its clock once started (to see a skew is in force).
import { createConsumer, createEventStore } from '@es/core';
import { childWorkerOptions, openParentTarget, runForParent } from './childProcess.js';
import { partitionEvents } from './fixtures.js';
import { handledProjection } from './partitionedProjection.js';

/** What the parent tells the instance (the second argument, as JSON). */
export interface PartitionProcessOptions {
  readonly tenant: string;
  readonly name: string;
  readonly owner: string;
  readonly partitions: number;
  readonly leaseMs: number;
  readonly batchSize: number;
}

const [modulePath, json] = process.argv.slice(2);
if (!modulePath || !json) throw new Error('usage: partitionProcess <targetModule> <options as JSON>');
const options = JSON.parse(json) as PartitionProcessOptions;
const target = await openParentTarget(modulePath);
const store = createEventStore({ backend: target.backendInstance(), events: partitionEvents, tenant: options.tenant });
const consumer = createConsumer(store, {
  name: options.name,
  owner: options.owner,
  partitions: options.partitions,
  leaseMs: options.leaseMs,
  batchSize: options.batchSize,
  ...childWorkerOptions(`partition instance ${options.owner}`),
  ...handledProjection(target, options.partitions),
});
process.send?.({ clock: Date.now() });
runForParent(consumer);
