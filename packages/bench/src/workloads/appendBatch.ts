import { deposits } from '../fixtures.ts';
import { timeOperations } from '../measure.ts';
import { type Workload, warmUpCount } from './workload.ts';

/** (3) 100-event appends, one writer, each to a new stream. */
export const appendBatch: Workload = {
  name: 'append-batch',
  description: '100-event batch appends, one writer',
  supports: () => true,
  async run(system, sizes) {
    const batch = deposits(sizes.batchSize);
    const append = (prefix: string) => async (index: number) => {
      await system.append(`${prefix}-${index}`, batch, 0);
      return batch.length;
    };
    await timeOperations(warmUpCount(sizes, sizes.batchAppends), 1, append('warm'));
    return timeOperations(sizes.batchAppends, 1, append('batch'));
  },
};
