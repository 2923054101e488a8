import { deposits } from '../fixtures.ts';
import { defineWorkload, timeAfterWarmUp } from './workload.ts';

/** (2) Single-event appends from 8 concurrent writers, each on its own stream. */
export const appendConcurrent = defineWorkload({
  name: 'append-concurrent',
  description: 'single-event appends, 8 concurrent writers on distinct streams',
  uses: (system) => system.append.bind(system),
  async run(append, _system, sizes) {
    const event = deposits(1);
    const { writers } = sizes;
    // Operation i goes to writer i % writers, so each writer's versions are i / writers.
    const appendBy = (prefix: string) => async (index: number, worker: number) => {
      await append(`${prefix}-${worker}`, event, Math.floor(index / writers));
      return 1;
    };
    const total = sizes.appendConcurrentPerWriter * writers;
    return timeAfterWarmUp(sizes, total, writers, appendBy('warm'), appendBy('writer'));
  },
});
