import { deposits } from '../fixtures.ts';
import { timeOperations } from '../measure.ts';
import { type Workload, warmUpCount } from './workload.ts';

/** (2) Single-event appends from 8 concurrent writers, each on its own stream. */
export const appendConcurrent: Workload = {
  name: 'append-concurrent',
  description: 'single-event appends, 8 concurrent writers on distinct streams',
  supports: () => true,
  async run(system, sizes) {
    const event = deposits(1);
    const { writers } = sizes;
    const total = sizes.appendConcurrentPerWriter * writers;
    // Operation i goes to writer i % writers, so each writer's versions are i / writers.
    const append = (prefix: string) => async (index: number, worker: number) => {
      await system.append(`${prefix}-${worker}`, event, Math.floor(index / writers));
      return 1;
    };
    await timeOperations(warmUpCount(sizes, total), writers, append('warm'));
    return timeOperations(total, writers, append('writer'));
  },
};
