import type { Sizes } from '../config.ts';
import type { BenchSystem } from '../system.ts';
import { defineWorkload, seedAndAnalyze, type Workload } from './workload.ts';

/** The group `--workloads partitioned-catch-up` names; the default run leaves it out (minutes of handler I/O). */
export const PARTITIONED_CATCH_UP = 'partitioned-catch-up';
export const PARTITIONS = 8;
/** Each event's handler awaits this much I/O (a timer), one event after another. */
export const HANDLER_MS_PER_EVENT = 1;
/** Short leases, so that instances started together balance within a second (a tick is leaseMs / 3). */
const LEASE_MS = 2_000;

/**
 * (issue #25) The catch-up of `catchUpEvents` events with a handler costing 1 ms of I/O per
 * event, by `instances` processes sharing a consumer of 8 partitions (each handling one partition
 * at a time), or (`partitions` undefined) the unpartitioned consumer in one process, the reference.
 * The log spreads over 1,000 streams, so the partitions get near-even shares.
 */
function partitionedCatchUp(name: string, description: string, instances: number, partitions: number | undefined) {
  return defineWorkload({
    name,
    description,
    group: PARTITIONED_CATCH_UP,
    optIn: true,
    uses: (system: BenchSystem) => system.catchUpInProcesses?.bind(system),
    async run(catchUpInProcesses, system, sizes: Sizes) {
      const total = sizes.catchUpEvents;
      await seedAndAnalyze(system, sizes, { prefix: 'log', total, streams: Math.max(1, total / 100) });
      const measured = await catchUpInProcesses({
        instances,
        total,
        options: {
          consumer: 'bench-partitioned',
          partitions,
          concurrency: 1,
          batchSize: sizes.catchUpBatch,
          leaseMs: LEASE_MS,
          handlerMsPerEvent: HANDLER_MS_PER_EVENT,
        },
      });
      if (measured.handled < total) throw new Error(`${system.name} handled ${measured.handled} of ${total} events`);
      return measured;
    },
  });
}

export const partitionedCatchUps: readonly Workload[] = [
  partitionedCatchUp('catch-up-1ms-unpartitioned', 'the unpartitioned consumer, 1 ms of I/O per event', 1, undefined),
  partitionedCatchUp('partitioned-catch-up-1', `${PARTITIONS} partitions, 1 instance process`, 1, PARTITIONS),
  partitionedCatchUp('partitioned-catch-up-2', `${PARTITIONS} partitions, 2 instance processes`, 2, PARTITIONS),
  partitionedCatchUp('partitioned-catch-up-4', `${PARTITIONS} partitions, 4 instance processes`, 4, PARTITIONS),
];
